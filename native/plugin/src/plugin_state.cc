#include "plugin_state.h"


#include <cstdio>
#include <iterator>
#include <cstring>
#include <limits>
#include <optional>

#include "payload.h"
#include "plugin_binding.h"
#include "plugin_metadata.h"

namespace falco_ts {

namespace {

using exchange::BufferKind;
namespace ctl = exchange;

// libsinsp's field type codes (ppm_param_type) as passed in ss_plugin_extract_field::ftype.
constexpr uint32_t kTypeUint64 = 8;
constexpr uint32_t kTypeString = 9;
constexpr uint32_t kTypeReltime = 20;
constexpr uint32_t kTypeAbstime = 21;
constexpr uint32_t kTypeBool = 25;
constexpr uint32_t kTypeIpaddr = 40;
constexpr uint32_t kTypeIpnet = 41;

std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}
std::unordered_map<const rt::Environment*, PluginState*>& Registry() {
  static std::unordered_map<const rt::Environment*, PluginState*> registry;
  return registry;
}

void LogToState(void* user, rt::Severity severity, const char* msg, size_t len) {
  static_cast<PluginState*>(user)->Log(static_cast<int>(severity), msg, len);
}

// The absolute path of this plugin library: the virtual file name of its bundle.
std::string LibraryPath() {
  const std::string& path = Metadata().library_path;
  if (!path.empty() && path[0] == '/') return path;
  return "/" + Metadata().name + ".so";
}

uint32_t RequiredMinor() {
  const char* dot = std::strchr(Metadata().required_api_version.c_str(), '.');
  return dot ? static_cast<uint32_t>(std::strtoul(dot + 1, nullptr, 10)) : 0;
}

}  // namespace

PluginState::PluginState(ss_plugin_owner_t* owner, ss_plugin_log_fn_t log_fn)
    : owner_(owner), log_fn_(log_fn), offsets_supported_(RequiredMinor() >= 11) {}

PluginState::~PluginState() {
  if (env_ && rt::ProcessIsExiting()) {
    // Destroyed from the host's exit handlers: no JavaScript can run any more.
    (void)extract_fn_.release();
    (void)key_cache_.release();
    env_.reset();
    return;
  }
  if (env_) {
    const bool alive = env_->alive();
    if (!CallJs(fn_.destroy, {}, rt::Want::kVoid) && alive) LogLastError("destroy");
    {
      rt::CallScope scope(*env_);
      extract_fn_.reset();
      key_cache_.reset();
    }
    {
      std::lock_guard<std::mutex> lock(RegistryMutex());
      Registry().erase(env_.get());
    }
    env_.reset();
  }
}

PluginState* PluginState::ForCurrentEnvironment() {
  const rt::Environment* env = rt::Environment::Current();
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(env);
  return it == Registry().end() ? nullptr : it->second;
}

bool PluginState::Init(const char* config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!Metadata().load_error.empty()) {
    SetError(kCallPath, Metadata().load_error);
    return false;
  }
  if (!StartEnvironment() || !LookUpFunctions()) return false;
  if (!CallJs(fn_.init, {rt::Arg::String(config ? config : "")}, rt::Want::kNumber)) return false;
  if (result_.number != SS_PLUGIN_SUCCESS) {
    FetchLastError("init");
    return false;
  }
  if (control_.data == nullptr) {
    SetError(kCallPath, "the plugin bundle did not share its control block");
    return false;
  }
  return true;
}

bool PluginState::StartEnvironment() {
  std::string error;
  if (!rt::EnsureProcessRuntime(&error)) {
    SetError(kCallPath, "cannot start the JavaScript runtime: " + error);
    return false;
  }
  rt::EnvironmentOptions options;
  options.bundle_path = LibraryPath() + ".js";
  options.bundle_source = std::string_view(Metadata().bundle);
  options.code_cache = PayloadCodeCache();
  options.code_cache_mapped = true;
  options.heap_limit_mib = Metadata().heap_limit_mib;
  options.log = &LogToState;
  options.log_user = this;
  options.bindings.push_back({kPluginBindingName, &InitPluginBinding});
  env_ = rt::Environment::Create(options, &error);
  if (!env_) {
    SetError(kCallPath, "cannot load the plugin: " + error);
    return false;
  }
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[env_.get()] = this;
  return true;
}

bool PluginState::LookUpFunctions() {
  struct Entry {
    rt::FunctionId* id;
    const char* name;
    DeadlineCallback deadline;
  };
  const Entry entries[] = {
      {&fn_.init, "init", kDeadlineInit},
      {&fn_.destroy, "destroy", kDeadlineDestroy},
      {&fn_.last_error, "lastError", kNoDeadline},
      {&fn_.list_open_params, "listOpenParams", kDeadlineListOpenParams},
      {&fn_.open, "open", kDeadlineOpen},
      {&fn_.close, "close", kDeadlineClose},
      {&fn_.next_batch, "nextBatch", kDeadlineNextBatch},
      {&fn_.progress, "progress", kDeadlineProgress},
      {&fn_.event_to_string, "eventToString", kDeadlineEventToString},
      {&fn_.reserve_event_buffer, "reserveEventBuffer", kNoDeadline},
      {&fn_.set_prefetch_keys, "setPrefetchKeys", kDeadlineExtract},
      {&fn_.prefetch_batch, "prefetchBatch", kDeadlineExtract},
  };
  const std::vector<uint32_t>& deadlines = Metadata().call_deadlines_ms;
  auto policy = [&](const char* name, DeadlineCallback deadline) {
    CallPolicy p;
    p.name = name;
    if (deadline != kNoDeadline && static_cast<size_t>(deadline) < deadlines.size() && deadlines[deadline] > 0) {
      p.options.time_limit_ms = static_cast<int>(deadlines[deadline]);
    }
    return p;
  };
  for (const Entry& entry : entries) {
    *entry.id = env_->Function(entry.name);
    if (*entry.id < 0) {
      SetError(kCallPath, std::string("the plugin bundle does not export ") + entry.name + "(): rebuild it with falco-plugin build");
      return false;
    }
    if (policies_.size() <= static_cast<size_t>(*entry.id)) policies_.resize(*entry.id + 1);
    policies_[*entry.id] = policy(entry.name, entry.deadline);
  }
  extract_policy_ = policy("extract", kDeadlineExtract);
  rt::CallScope scope(*env_);
  v8::Local<v8::Value> extract;
  if (!env_->exports()->Get(scope.context(), v8::String::NewFromUtf8Literal(scope.isolate(), "extract")).ToLocal(&extract) ||
      !extract->IsFunction()) {
    SetError(kCallPath, "the plugin bundle does not export extract()");
    return false;
  }
  extract_fn_ = std::make_unique<v8::Global<v8::Function>>(scope.isolate(), extract.As<v8::Function>());
  return true;
}

bool PluginState::CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want) {
  return CallJs(fn, args, want, result_);
}

const PluginState::CallPolicy& PluginState::PolicyOf(rt::FunctionId fn) const {
  static const CallPolicy kNone;
  return fn >= 0 && static_cast<size_t>(fn) < policies_.size() ? policies_[fn] : kNone;
}

bool PluginState::CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want, rt::Result& result) {
  const CallPolicy& policy = PolicyOf(fn);
  if (!env_->Call(fn, args, want, result, policy.options)) {
    SetError(PathOf(result), result.out_of_memory ? OutOfMemoryError(policy.name, result.error)
                             : result.timed_out   ? std::string(policy.name) + " " + result.error
                                                  : result.error);
    return false;
  }
  return true;
}

std::string PluginState::OutOfMemoryError(const char* callback, const std::string& error) {
  // Every later call fails with the message of the call that reached the limit.
  std::lock_guard<std::mutex> lock(stopped_mutex_);
  if (stopped_error_.empty()) stopped_error_ = std::string("out of memory in ") + callback + ": " + error;
  return stopped_error_;
}

void PluginState::FetchLastError(const char* call, rt::Result& result) {
  if (CallJs(fn_.last_error, {}, rt::Want::kString, result)) {
    SetError(PathOf(result), result.str.empty() ? std::string(call) + " failed" : result.str);
  }
}

void PluginState::Adopt(BufferKind kind, int32_t id, uint8_t* data, size_t size) {
  switch (kind) {
    case BufferKind::kControl:
      if (size >= ctl::kControlSize) control_ = {data, size};
      break;
    case BufferKind::kEvent:
      event_ = {data, size};
      event_loaded_ = false;
      break;
    case BufferKind::kResults:
      results_ = {data, size};
      break;
    case BufferKind::kBatch:
      batches_[id] = {data, size};
      break;
    case BufferKind::kPrefetch:
      prefetch_.Adopt(id, data, size);  // during setPrefetchKeys / prefetchBatch, under its mutex
      break;
  }
}

void PluginState::LogLastError(const char* call) {
  // The SDK logs what the plugin's close/destroy threw; this is what it could not: the call was
  // stopped (deadline, heap limit) or ended the environment (process.exit). A state stopped
  // before the call was reported by the call that stopped it.
  const std::string line = std::string(call) + " failed: " + last_error_;
  Log(SS_PLUGIN_LOG_SEV_ERROR, line.data(), line.size());
}

void PluginState::Log(int severity, const char* message, size_t length) {
  std::lock_guard<std::mutex> lock(log_mutex_);
  log_line_.assign(message, length);
  if (log_fn_ != nullptr) {
    log_fn_(owner_, nullptr, log_line_.c_str(), static_cast<ss_plugin_log_severity>(severity));
  } else {
    std::fprintf(stderr, "[%s] %s\n", Metadata().name.c_str(), log_line_.c_str());
  }
}

Instance* PluginState::Open(const char* params, ss_plugin_rc* rc) {
  std::lock_guard<std::mutex> lock(mutex_);
  *rc = SS_PLUGIN_FAILURE;
  if (!CallJs(fn_.open, {rt::Arg::String(params ? params : "")}, rt::Want::kNumber)) return nullptr;
  const auto handle = static_cast<int32_t>(result_.number);
  if (handle <= 0) {
    FetchLastError("open");
    return nullptr;
  }
  auto instance = std::make_unique<Instance>();
  instance->handle = handle;
  *rc = SS_PLUGIN_SUCCESS;
  return instance.release();
}

void PluginState::Close(Instance* instance) {
  std::unique_ptr<Instance> owned(instance);
  std::lock_guard<std::mutex> lock(mutex_);
  const bool alive = env_->alive();
  if (!CallJs(fn_.close, {rt::Arg::Int32(instance->handle)}, rt::Want::kVoid) && alive) LogLastError("close");
  batches_.erase(instance->handle);
}

const char* PluginState::ListOpenParams(ss_plugin_rc* rc) {
  std::lock_guard<std::mutex> lock(mutex_);
  *rc = SS_PLUGIN_FAILURE;
  if (!CallJs(fn_.list_open_params, {}, rt::Want::kString)) return nullptr;
  if (result_.str == "null") {
    FetchLastError("list_open_params");
    return nullptr;
  }
  text_ = result_.str;
  *rc = SS_PLUGIN_SUCCESS;
  return text_.c_str();
}

ss_plugin_rc PluginState::NextBatch(Instance* instance, uint32_t* nevts, ss_plugin_event*** evts) {
  std::lock_guard<std::mutex> lock(mutex_);
  *nevts = 0;
  *evts = nullptr;
  {
    // the batch memory is about to be rewritten: nothing is answered from the old index any more
    std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
    prefetch_.Invalidate();
  }
  if (!CallJs(fn_.next_batch, {rt::Arg::Int32(instance->handle)}, rt::Want::kNumber)) return SS_PLUGIN_FAILURE;
  const auto rc = static_cast<ss_plugin_rc>(static_cast<int>(result_.number));
  const int32_t count = control_i32()[ctl::kBatchCount];
  if (count > 0) {
    const Buffer& batch = batches_[instance->handle];
    instance->events.resize(static_cast<size_t>(count));
    size_t offset = 0;
    for (int32_t i = 0; i < count; i++) {
      uint32_t len = 0;
      if (offset + FALCO_PLUGIN_EVENT_HEADER_SIZE > batch.size ||
          (std::memcpy(&len, batch.data + offset + 16, sizeof len), len < FALCO_PLUGIN_EVENT_HEADER_SIZE) ||
          offset + len > batch.size) {
        SetError(kCallPath, "next_batch: event " + std::to_string(i) + " lies outside the batch memory");
        return SS_PLUGIN_FAILURE;
      }
      instance->events[static_cast<size_t>(i)] = reinterpret_cast<ss_plugin_event*>(batch.data + offset);
      offset += len;
    }
    *nevts = static_cast<uint32_t>(count);
    *evts = instance->events.data();
    if (rc != SS_PLUGIN_FAILURE && Metadata().extraction) PrefetchBatch(instance);
  }
  if (rc == SS_PLUGIN_FAILURE) FetchLastError("next_batch");
  return rc;
}

void PluginState::PrefetchBatch(Instance* instance) {
  std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
  std::string keys;
  // A failure here is never the host's: its calls then enter JavaScript as without the index, and
  // report any error of the plugin's extractors themselves.
  if (prefetch_.Rebalance(&keys)) {
    if (CallJs(fn_.set_prefetch_keys, {rt::Arg::String(keys)}, rt::Want::kVoid)) {
      const std::string line = "fields computed ahead of the host's calls: " + keys;
      Log(SS_PLUGIN_LOG_SEV_DEBUG, line.data(), line.size());
    } else {
      prefetch_.Disable();
    }
  }
  prefetch_.Delivered(instance->events.size());
  if (!prefetch_.has_active_keys()) return;
  if (!CallJs(fn_.prefetch_batch, {rt::Arg::Int32(instance->handle)}, rt::Want::kNumber)) {
    prefetch_.Disable();
    return;
  }
  prefetch_.Indexed(instance->events);
}

const char* PluginState::Progress(Instance* instance, uint32_t* progress_pct) {
  std::lock_guard<std::mutex> lock(mutex_);
  *progress_pct = 0;
  if (!CallJs(fn_.progress, {rt::Arg::Int32(instance->handle)}, rt::Want::kString)) {
    // get_progress has no error path: the detail says it, and the log once per capture (as the SDK
    // does for a throwing progress()).
    instance->progress = "progress unavailable: " + last_error_;
    if (!instance->progress_failure_logged) {
      instance->progress_failure_logged = true;
      const std::string line = "progress failed (reported once for this capture): " + last_error_;
      Log(SS_PLUGIN_LOG_SEV_ERROR, line.data(), line.size());
    }
    return instance->progress.c_str();
  }
  *progress_pct = static_cast<uint32_t>(control_i32()[ctl::kProgressPct]);
  instance->progress = result_.str;
  return instance->progress.c_str();
}

const char* PluginState::EventToString(const ss_plugin_event_input* evt) {
  rt::CallScope scope(*env_);
  if (!LoadEvent(evt)) {
    event_text_ = "error: " + event_error_;
    return event_text_.c_str();
  }
  event_text_ = CallJs(fn_.event_to_string, {}, rt::Want::kString, event_result_) ? event_result_.str : "error: " + event_error_;
  return event_text_.c_str();
}

bool PluginState::LoadEvent(const ss_plugin_event_input* evt) {
  if (evt == nullptr || evt->evt == nullptr) {
    SetError(kEventPath, "no event given");
    return false;
  }
  const ss_plugin_event* header = evt->evt;
  if (event_loaded_ && evt->evtnum == event_number_ && header->ts == event_ts_) return true;
  const uint32_t len = header->len;
  if (len < FALCO_PLUGIN_EVENT_HEADER_SIZE) {
    SetError(kEventPath, "event " + std::to_string(evt->evtnum) + " is shorter than its header");
    return false;
  }
  if (len > event_.size) {
    if (!CallJs(fn_.reserve_event_buffer, {rt::Arg::Uint32(len)}, rt::Want::kVoid, event_result_)) return false;
    if (len > event_.size) {
      SetError(kEventPath, "cannot grow the event buffer to " + std::to_string(len) + " bytes");
      return false;
    }
  }
  std::memcpy(event_.data, header, len);
  int32_t* c = control_i32();
  c[ctl::kEventLength] = static_cast<int32_t>(len);
  control_f64()[ctl::kEventNumber] = static_cast<double>(evt->evtnum);
  c[ctl::kEventGeneration] = ++generation_;
  event_loaded_ = true;
  event_number_ = evt->evtnum;
  event_ts_ = header->ts;
  return true;
}

ss_plugin_rc PluginState::Extract(const ss_plugin_event_input* evt, const ss_plugin_field_extract_input* in) {
  // Serialises extraction calls on this state with each other and with the index's updates; the
  // isolate's lock is taken only for a field the index does not answer.
  std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
  std::optional<rt::CallScope> scope;
  v8::Local<v8::Function> extract;
  v8::Local<v8::Object> receiver;
  const ss_plugin_event* event = evt != nullptr ? evt->evt : nullptr;
  const uint32_t n = in->num_fields;
  const bool copy = n > 1;
  if (storage_.size() < n) storage_.resize(n);
  ss_plugin_extract_value_offsets* offsets = offsets_supported_ ? in->value_offsets : nullptr;
  const bool want_offsets = offsets != nullptr;
  if (want_offsets && copy) {
    offset_starts_.assign(n, 0);
    offset_lengths_.assign(n, 0);
  }
  bool any_offset = false;
  for (uint32_t i = 0; i < n; i++) {
    ss_plugin_extract_field& field = in->fields[i];
    ExtractionPrefetch::Result result;
    if (event == nullptr || !prefetch_.Find(event, field, want_offsets, &result)) {
      if (!scope) {
        scope.emplace(*env_);
        if (!LoadEvent(evt)) return SS_PLUGIN_FAILURE;
        extract = extract_fn_->Get(scope->isolate());
        receiver = env_->exports();
      }
      if (!ExtractInJs(*scope, extract, receiver, field, want_offsets)) return SS_PLUGIN_FAILURE;
      prefetch_.Learn(field, want_offsets);
      result.data = results_.data;
      result.size = results_.size;
      result.count = control_i32()[ctl::kResultCount];
      result.has_offsets = control_i32()[ctl::kResultHasOffsets] != 0;
    }
    if (!StoreResult(field, storage_[i], copy, result.data, result.size, result.count)) return SS_PLUGIN_FAILURE;
    if (want_offsets && result.has_offsets && field.res_len > 0) {
      const size_t count = static_cast<size_t>(field.res_len);
      // 4-byte aligned: results start 8-byte aligned
      auto* starts = reinterpret_cast<uint32_t*>(const_cast<uint8_t*>(result.data) + 8 * count);
      auto* lengths = reinterpret_cast<uint32_t*>(const_cast<uint8_t*>(result.data) + 12 * count);
      if (copy) {
        offset_starts_[i] = starts[0];
        offset_lengths_[i] = lengths[0];
      } else {
        offsets->start = starts;
        offsets->length = lengths;
      }
      any_offset = true;
    }
  }
  if (want_offsets) {
    if (copy && any_offset) {
      offsets->start = offset_starts_.data();
      offsets->length = offset_lengths_.data();
    } else if (!any_offset) {
      offsets->start = nullptr;
      offsets->length = nullptr;
    }
  }
  return SS_PLUGIN_SUCCESS;
}

bool PluginState::ExtractInJs(rt::CallScope& scope, v8::Local<v8::Function> extract, v8::Local<v8::Object> receiver,
                              const ss_plugin_extract_field& field, bool want_offsets) {
  v8::Isolate* isolate = scope.isolate();
  int32_t* c = control_i32();
  c[ctl::kFieldId] = static_cast<int32_t>(field.field_id);
  c[ctl::kArgPresent] = field.arg_present ? 1 : 0;
  control_f64()[ctl::kArgIndex] = field.arg_present ? static_cast<double>(field.arg_index) : 0.0;
  control_u64()[ctl::kArgIndexExact] = field.arg_present ? field.arg_index : 0;
  c[ctl::kWantOffsets] = want_offsets ? 1 : 0;
  v8::Local<v8::Value> key = v8::Undefined(isolate);
  if (field.arg_key != nullptr && !KeyString(isolate, field.arg_key, &key)) {
    SetError(kEventPath, "extract_fields: the argument of field " + std::to_string(field.field_id) + " is too long");
    return false;
  }
  if (!env_->CallValue(scope, extract, receiver, 1, &key, rt::Want::kNumber, event_result_, extract_policy_.options)) {
    SetError(kEventPath, event_result_.out_of_memory
                             ? OutOfMemoryError(("extract (field " + std::to_string(field.field_id) + ")").c_str(),
                                                event_result_.error)
                         : event_result_.timed_out
                             ? "extract of field " + std::to_string(field.field_id) + " " + event_result_.error
                             : event_result_.error);
    return false;
  }
  if (event_result_.number != SS_PLUGIN_SUCCESS) {
    FetchLastError("extract_fields", event_result_);
    return false;
  }
  return true;
}

bool PluginState::KeyString(v8::Isolate* isolate, const char* key, v8::Local<v8::Value>* out) {
  for (KeyCache::Entry& entry : key_cache_->entries) {
    if (entry.pointer == key && entry.text == key) {
      *out = entry.value.Get(isolate);
      return true;
    }
  }
  v8::Local<v8::String> value;
  if (!v8::String::NewFromUtf8(isolate, key).ToLocal(&value)) return false;
  KeyCache::Entry& entry = key_cache_->entries[key_cache_->next];
  key_cache_->next = (key_cache_->next + 1) % std::size(key_cache_->entries);
  entry.pointer = key;
  entry.text = key;
  entry.value.Reset(isolate, value);
  *out = value;
  return true;
}

bool PluginState::StoreResult(ss_plugin_extract_field& field, FieldStorage& storage, bool copy, const uint8_t* data,
                              size_t size, int32_t count) {
  field.res_len = static_cast<uint64_t>(count);
  field.res.u64 = nullptr;
  if (count <= 0) {
    field.res_len = 0;
    return true;
  }
  const auto n = static_cast<size_t>(count);
  if (n * ctl::kResultFixedBytesPerValue > size) {
    SetError(kEventPath, "extract_fields: the result does not fit the results buffer");
    return false;
  }
  const uint8_t* base = data;
  auto locate = [&](size_t k, uint32_t* at, uint32_t* len) {
    std::memcpy(at, base + 8 * k, sizeof *at);
    std::memcpy(len, base + 8 * k + 4, sizeof *len);
    return static_cast<size_t>(*at) + *len <= size;
  };
  switch (field.ftype) {
    case kTypeUint64:
    case kTypeReltime:
    case kTypeAbstime:
      if (copy) {
        storage.numbers.assign(reinterpret_cast<const uint64_t*>(base), reinterpret_cast<const uint64_t*>(base) + n);
        field.res.u64 = storage.numbers.data();
      } else {
        field.res.u64 = reinterpret_cast<uint64_t*>(const_cast<uint8_t*>(data));
      }
      return true;
    case kTypeBool:
      if (copy) {
        storage.booleans.assign(reinterpret_cast<const uint32_t*>(base), reinterpret_cast<const uint32_t*>(base) + n);
        field.res.boolean = storage.booleans.data();
      } else {
        field.res.boolean = reinterpret_cast<ss_plugin_bool*>(const_cast<uint8_t*>(data));
      }
      return true;
    case kTypeString:
    case kTypeIpaddr:
    case kTypeIpnet: {
      const bool is_string = field.ftype == kTypeString;
      storage.strings.resize(n);
      storage.buffers.resize(n);
      if (copy) {
        size_t total = 0;
        for (size_t k = 0; k < n; k++) {
          uint32_t at = 0, len = 0;
          if (!locate(k, &at, &len)) break;
          total += len + 1;
        }
        storage.bytes.resize(total);
      }
      size_t written = 0;
      for (size_t k = 0; k < n; k++) {
        uint32_t at = 0, len = 0;
        if (!locate(k, &at, &len)) {
          SetError(kEventPath, "extract_fields: a value lies outside the results buffer");
          return false;
        }
        const uint8_t* value = base + at;
        if (copy) {
          std::memcpy(&storage.bytes[written], value, len);
          storage.bytes[written + len] = '\0';
          value = reinterpret_cast<const uint8_t*>(&storage.bytes[written]);
          written += len + 1;
        }
        storage.strings[k] = reinterpret_cast<const char*>(value);
        storage.buffers[k] = ss_plugin_byte_buffer{len, value};
      }
      if (is_string) {
        field.res.str = storage.strings.data();
      } else {
        field.res.buf = storage.buffers.data();
      }
      return true;
    }
    default:
      SetError(kEventPath, "extract_fields: unsupported field type " + std::to_string(field.ftype));
      return false;
  }
}

}  // namespace falco_ts
