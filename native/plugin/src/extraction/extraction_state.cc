#include "extraction/extraction_state.h"

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>

#include "tables/plugin_tables.h"
#include "tables/table_access.h"

namespace falco_ts {

namespace {

namespace ctl = exchange;

// libsinsp's field type codes (ppm_param_type) as passed in ss_plugin_extract_field::ftype.
constexpr uint32_t kTypeUint64 = 8;
constexpr uint32_t kTypeString = 9;
constexpr uint32_t kTypeReltime = 20;
constexpr uint32_t kTypeAbstime = 21;
constexpr uint32_t kTypeBool = 25;
constexpr uint32_t kTypeIpaddr = 40;
constexpr uint32_t kTypeIpnet = 41;

}  // namespace

const CapabilityRegistration ExtractionState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<ExtractionState>(state); },
    kPayloadExtraction);

ExtractionState::ExtractionState(PluginState& state) : state_(state), offsets_supported_(RequiredApiMinor() >= 11) {
  // A parser changes, in parse_event, what the fields of the next events read: the host parses each
  // event right before extracting from it, so nothing can be computed ahead at next_batch.
  if (!Metadata().parsing) state_.set_batch_observer(this);
}

bool ExtractionState::LookUpFunctions() {
  if (!state_.LookUpFunctions({
          {&fn_.set_prefetch_keys, "setPrefetchKeys", kDeadlineExtract},
          {&fn_.prefetch_batch, "prefetchBatch", kDeadlineExtract},
      })) {
    return false;
  }
  extract_options_ = state_.CallOptionsOf(kDeadlineExtract);
  rt::CallScope scope(state_.env());
  v8::Local<v8::Value> extract;
  if (!state_.env()
           .exports()
           ->Get(scope.context(), v8::String::NewFromUtf8Literal(scope.isolate(), "extract"))
           .ToLocal(&extract) ||
      !extract->IsFunction()) {
    state_.SetError(PluginState::kCallPath, "the plugin bundle does not export extract()");
    return false;
  }
  extract_fn_.Reset(scope.isolate(), extract.As<v8::Function>());
  return true;
}

bool ExtractionState::Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) {
  switch (kind) {
    case exchange::BufferKind::kResults:
      results_ = {data, size};
      return true;
    case exchange::BufferKind::kPrefetch:
      prefetch_.Adopt(id, data, size);  // during setPrefetchKeys / prefetchBatch, under its mutex
      return true;
    default:
      return false;
  }
}

void ExtractionState::BatchWillChange() {
  // the batch memory is about to be rewritten: nothing is answered from the old index any more
  std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
  prefetch_.Invalidate();
}

void ExtractionState::BatchDelivered(int32_t handle, const std::vector<ss_plugin_event*>& events) {
  std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
  // A state that imported a host table computes nothing ahead: the tables change between events.
  if (state_.tables().imported()) return prefetch_.Disable();
  std::string keys;
  // A failure here is never the host's: its calls then enter JavaScript as without the index, and
  // report any error of the plugin's extractors themselves.
  if (prefetch_.Rebalance(&keys)) {
    if (state_.CallJs(fn_.set_prefetch_keys, {rt::Arg::String(keys)}, rt::Want::kVoid)) {
      const std::string line = "fields computed ahead of the host's calls: " + keys;
      state_.Log(SS_PLUGIN_LOG_SEV_DEBUG, line.data(), line.size());
    } else {
      prefetch_.Disable();
    }
  }
  prefetch_.Delivered(events.size());
  if (!prefetch_.has_active_keys()) return;
  if (!state_.CallJs(fn_.prefetch_batch, {rt::Arg::Int32(handle)}, rt::Want::kNumber)) {
    prefetch_.Disable();
    return;
  }
  prefetch_.Indexed(events);
}

ss_plugin_rc ExtractionState::Extract(const ss_plugin_event_input* evt, const ss_plugin_field_extract_input* in) {
  // Serialises extraction calls on this state with each other and with the index's updates; the
  // isolate's lock is taken only for a field the index does not answer.
  std::lock_guard<std::mutex> prefetch_lock(prefetch_.mutex());
  std::optional<rt::CallScope> scope;
  std::optional<tables::HostCallScope> tables_window;  // the extract input's table reader, while JS may run
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
        scope.emplace(state_.env());
        tables_window.emplace(state_, in);
        if (!state_.LoadEvent(evt)) return SS_PLUGIN_FAILURE;
        extract = extract_fn_.Get(scope->isolate());
        receiver = state_.env().exports();
      }
      if (!ExtractInJs(*scope, extract, receiver, field, want_offsets)) return SS_PLUGIN_FAILURE;
      prefetch_.Learn(field, want_offsets);
      result.data = results_.data;
      result.size = results_.size;
      result.count = state_.control_i32()[ctl::kResultCount];
      result.has_offsets = state_.control_i32()[ctl::kResultHasOffsets] != 0;
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

bool ExtractionState::ExtractInJs(rt::CallScope& scope, v8::Local<v8::Function> extract,
                                  v8::Local<v8::Object> receiver, const ss_plugin_extract_field& field,
                                  bool want_offsets) {
  v8::Isolate* isolate = scope.isolate();
  int32_t* c = state_.control_i32();
  c[ctl::kFieldId] = static_cast<int32_t>(field.field_id);
  c[ctl::kArgPresent] = field.arg_present ? 1 : 0;
  state_.control_f64()[ctl::kArgIndex] = field.arg_present ? static_cast<double>(field.arg_index) : 0.0;
  state_.control_u64()[ctl::kArgIndexExact] = field.arg_present ? field.arg_index : 0;
  c[ctl::kWantOffsets] = want_offsets ? 1 : 0;
  v8::Local<v8::Value> key = v8::Undefined(isolate);
  if (field.arg_key != nullptr && !KeyString(isolate, field.arg_key, &key)) {
    state_.SetError(PluginState::kEventPath,
                    "extract_fields: the argument of field " + std::to_string(field.field_id) + " is too long");
    return false;
  }
  rt::Result& event_result = state_.event_result();
  if (!state_.env().CallValue(scope, extract, receiver, 1, &key, rt::Want::kNumber, event_result, extract_options_)) {
    state_.SetError(PluginState::kEventPath,
                    event_result.out_of_memory
                        ? state_.OutOfMemoryError(("extract (field " + std::to_string(field.field_id) + ")").c_str(),
                                                  event_result.error)
                    : event_result.timed_out
                        ? "extract of field " + std::to_string(field.field_id) + " " + event_result.error
                        : event_result.error);
    return false;
  }
  if (event_result.number != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError("extract_fields", event_result);
    return false;
  }
  return true;
}

bool ExtractionState::KeyString(v8::Isolate* isolate, const char* key, v8::Local<v8::Value>* out) {
  for (KeyCache::Entry& entry : key_cache_.entries) {
    if (entry.pointer == key && entry.text == key) {
      *out = entry.value.Get(isolate);
      return true;
    }
  }
  v8::Local<v8::String> value;
  if (!v8::String::NewFromUtf8(isolate, key).ToLocal(&value)) return false;
  KeyCache::Entry& entry = key_cache_.entries[key_cache_.next];
  key_cache_.next = (key_cache_.next + 1) % std::size(key_cache_.entries);
  entry.pointer = key;
  entry.text = key;
  entry.value.Reset(isolate, value);
  *out = value;
  return true;
}

bool ExtractionState::StoreResult(ss_plugin_extract_field& field, FieldStorage& storage, bool copy,
                                  const uint8_t* data, size_t size, int32_t count) {
  field.res_len = static_cast<uint64_t>(count);
  field.res.u64 = nullptr;
  if (count <= 0) {
    field.res_len = 0;
    return true;
  }
  const auto n = static_cast<size_t>(count);
  if (n * ctl::kResultFixedBytesPerValue > size) {
    state_.SetError(PluginState::kEventPath, "extract_fields: the result does not fit the results buffer");
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
          state_.SetError(PluginState::kEventPath, "extract_fields: a value lies outside the results buffer");
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
      state_.SetError(PluginState::kEventPath, "extract_fields: unsupported field type " + std::to_string(field.ftype));
      return false;
  }
}

}  // namespace falco_ts
