#include "plugin_state.h"

#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "payload.h"
#include "plugin_binding.h"
#include "tables/plugin_tables.h"
#include "tables/table_access.h"

namespace falco_ts {

namespace {

using exchange::BufferKind;
namespace ctl = exchange;

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

}  // namespace

PluginState::PluginState(ss_plugin_owner_t* owner, ss_plugin_log_fn_t log_fn, const ss_plugin_init_tables_input* tables,
                         const char* (*get_owner_last_error)(ss_plugin_owner_t*))
    : owner_(owner),
      log_fn_(log_fn),
      tables_(std::make_unique<tables::PluginTables>(tables, owner, get_owner_last_error,
                                                     [this](const std::string& e) { set_last_error(e); })) {
  capabilities_.resize(CapabilityRegistration::count());
  for (size_t slot = 0; slot < CapabilityRegistration::count(); slot++) {
    const uint32_t flag = CapabilityRegistration::payload_flag(slot);
    if (flag == 0 || (Metadata().capability_flags & flag) != 0) {
      capabilities_[slot] = CapabilityRegistration::factory(slot)(*this);
    }
  }
}

PluginState::~PluginState() {
  if (env_ && rt::ProcessIsExiting()) {
    // Destroyed from the host's exit handlers: no JavaScript can run any more. The capabilities'
    // parts are abandoned with the environment (their JS handles cannot be released).
    for (std::unique_ptr<CapabilityState>& part : capabilities_) (void)part.release();
    env_.reset();
    return;
  }
  if (env_) {
    const bool alive = env_->alive();
    if (!CallJs(fn_.destroy, {}, rt::Want::kVoid) && alive) LogLastError("destroy");
    for (const std::unique_ptr<CapabilityState>& part : capabilities_) {
      if (part) part->Stop();
    }
    {
      rt::CallScope scope(*env_);
      batch_observer_ = nullptr;
      capabilities_.clear();
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
  const tables::HostCallScope tables_window(*this);  // the init call's table vtables, for the bundle's JS
  if (!Metadata().load_error.empty()) {
    SetError(kCallPath, Metadata().load_error);
    return false;
  }
  if (!StartEnvironment()) return false;
  if (!LookUpFunctions({
          {&fn_.init, "init", kDeadlineInit},
          {&fn_.destroy, "destroy", kDeadlineDestroy},
          {&fn_.last_error, "lastError", kNoDeadline},
          {&fn_.reserve_event_buffer, "reserveEventBuffer", kNoDeadline},
      })) {
    return false;
  }
  for (const std::unique_ptr<CapabilityState>& part : capabilities_) {
    if (part && !part->LookUpFunctions()) return false;
  }
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

bool PluginState::LookUpFunctions(std::initializer_list<JsFunction> functions) {
  for (const JsFunction& function : functions) {
    *function.id = env_->Function(function.name);
    if (*function.id < 0) {
      SetError(kCallPath, std::string("the plugin bundle does not export ") + function.name +
                              "(): rebuild it with falco-plugin build");
      return false;
    }
    if (policies_.size() <= static_cast<size_t>(*function.id)) policies_.resize(*function.id + 1);
    CallPolicy& policy = policies_[*function.id];
    policy.name = function.name;
    policy.options = CallOptionsOf(function.deadline);
  }
  return true;
}

rt::CallOptions PluginState::CallOptionsOf(DeadlineCallback deadline) const {
  const std::vector<uint32_t>& deadlines = Metadata().call_deadlines_ms;
  rt::CallOptions options;
  if (deadline != kNoDeadline && static_cast<size_t>(deadline) < deadlines.size() && deadlines[deadline] > 0) {
    options.time_limit_ms = static_cast<int>(deadlines[deadline]);
  }
  return options;
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
      return;
    case BufferKind::kEvent:
      event_ = {data, size};
      event_loaded_ = false;
      return;
    default:
      // The other kinds belong to a capability (the Results and Prefetch buffers to extraction, the
      // Batch buffers to sourcing).
      for (const std::unique_ptr<CapabilityState>& part : capabilities_) {
        if (part && part->Adopt(kind, id, data, size)) return;
      }
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

}  // namespace falco_ts
