// The field extraction part of a plugin state (capability.h): extract_fields over the JS functions of
// lib/capabilities/extraction/exports.ts, the Results buffer they write into, and the fields computed
// ahead for each batch of the plugin's own event source (extraction_prefetch.h).
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <cstdint>
#include <string>
#include <vector>

#include "batch_observer.h"
#include "capability.h"
#include "extraction/extraction_prefetch.h"
#include "plugin_state.h"

namespace falco_ts {

class ExtractionState final : public CapabilityState, private BatchObserver {
 public:
  explicit ExtractionState(PluginState& state);

  // The extraction part of `state` (of a library linked with this capability).
  static ExtractionState& Of(PluginState& state) {
    return static_cast<ExtractionState&>(state.capability(kRegistration.slot()));
  }

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) override;

  ss_plugin_rc Extract(const ss_plugin_event_input* evt, const ss_plugin_field_extract_input* in);

 private:
  static const CapabilityRegistration kRegistration;

  // Pointer arrays for the host; with several fields per call, also copies of each field's values
  // (the Results buffer holds one field at a time). Reused from call to call.
  struct FieldStorage {
    std::vector<const char*> strings;
    std::vector<ss_plugin_byte_buffer> buffers;
    std::vector<uint64_t> numbers;
    std::vector<uint32_t> booleans;
    std::string bytes;
  };
  struct Functions {
    rt::FunctionId set_prefetch_keys, prefetch_batch;
  };
  // JS strings of recent key arguments (libsinsp passes the same pointer for a field on every event):
  // a key field does not create a string per call.
  struct KeyCache {
    struct Entry {
      const char* pointer = nullptr;
      std::string text;
      v8::Global<v8::String> value;
    };
    Entry entries[16];
    size_t next = 0;
  };

  // Points the field at `count` values laid out as in the Results buffer from `data` (`size` bytes
  // readable); with `copy`, at copies of them.
  bool StoreResult(ss_plugin_extract_field& field, FieldStorage& storage, bool copy, const uint8_t* data, size_t size,
                   int32_t count);
  // One field in JavaScript: its value is then in the Results buffer.
  bool ExtractInJs(rt::CallScope& scope, v8::Local<v8::Function> extract, v8::Local<v8::Object> receiver,
                   const ss_plugin_extract_field& field, bool want_offsets);
  bool KeyString(v8::Isolate* isolate, const char* key, v8::Local<v8::Value>* out);

  // BatchObserver: the index is forgotten before each next_batch; after one that returned events, the
  // fields computed ahead are updated and computed.
  void BatchWillChange() override;
  void BatchDelivered(int32_t handle, const std::vector<ss_plugin_event*>& events) override;

  PluginState& state_;
  Functions fn_{};
  rt::CallOptions extract_options_;
  // The JS handles (the extract function, the key strings) are released with the environment, or
  // abandoned with it at process exit (see ~PluginState).
  v8::Global<v8::Function> extract_fn_;
  KeyCache key_cache_;
  PluginState::Buffer results_;
  bool offsets_supported_;
  std::vector<FieldStorage> storage_;
  ExtractionPrefetch prefetch_;
  std::vector<uint32_t> offset_starts_, offset_lengths_;
};

}  // namespace falco_ts
