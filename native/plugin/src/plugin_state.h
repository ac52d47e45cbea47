// One plugin state (plugin_init .. plugin_destroy): an embedded Node environment running the plugin's
// bundle, and the memory it shares with the symbols layer (see exchange_layout.h).
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "exchange_layout.h"
#include "extraction_prefetch.h"

namespace falco_ts {

// What open() returns to the host: the JS instance handle and the memory of its last batch.
struct Instance {
  int32_t handle = 0;
  std::vector<ss_plugin_event*> events;  // pointers into the batch buffer, valid until the next call
  std::string progress;
  bool progress_failure_logged = false;  // a stopped progress call is logged once per capture
};

class PluginState {
 public:
  PluginState(ss_plugin_owner_t* owner, ss_plugin_log_fn_t log_fn);
  ~PluginState();
  PluginState(const PluginState&) = delete;
  PluginState& operator=(const PluginState&) = delete;

  // Starts the environment and calls the plugin's init. False: last_error() says why.
  bool Init(const char* config);
  // The message of the latest failure, whichever path it happened on.
  const char* last_error() const { return (latest_on_event_path_.load() ? event_error_ : last_error_).c_str(); }
  void set_last_error(std::string message) { SetError(kCallPath, std::move(message)); }

  Instance* Open(const char* params, ss_plugin_rc* rc);
  void Close(Instance* instance);
  const char* ListOpenParams(ss_plugin_rc* rc);
  ss_plugin_rc NextBatch(Instance* instance, uint32_t* nevts, ss_plugin_event*** evts);
  const char* Progress(Instance* instance, uint32_t* progress_pct);
  const char* EventToString(const ss_plugin_event_input* evt);
  ss_plugin_rc Extract(const ss_plugin_event_input* evt, const ss_plugin_field_extract_input* in);

  // Called by the Node-API binding (on a thread running this state's JS).
  void Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size);
  void Log(int severity, const char* message, size_t length);

  // The state whose environment runs JS on this thread, for the binding's initialisation.
  static PluginState* ForCurrentEnvironment();

 private:
  // Failures are recorded per path, each written only under that path's lock (see mutex_).
  static constexpr bool kCallPath = false;
  static constexpr bool kEventPath = true;
  void SetError(bool event_path, std::string message) {
    (event_path ? event_error_ : last_error_) = std::move(message);
    latest_on_event_path_.store(event_path);
  }
  bool PathOf(const rt::Result& result) const { return &result == &event_result_; }
  // Pointer arrays for the host; with several fields per call, also copies of each field's values
  // (the Results buffer holds one field at a time). Reused from call to call.
  struct FieldStorage {
    std::vector<const char*> strings;
    std::vector<ss_plugin_byte_buffer> buffers;
    std::vector<uint64_t> numbers;
    std::vector<uint32_t> booleans;
    std::string bytes;
  };
  struct Buffer {
    uint8_t* data = nullptr;
    size_t size = 0;
  };
  struct Functions {
    rt::FunctionId init, destroy, last_error, list_open_params, open, close, next_batch, progress,
        event_to_string, reserve_event_buffer, set_prefetch_keys, prefetch_batch;
  };

  // The name and call options (deadline) of each function, indexed by FunctionId.
  struct CallPolicy {
    const char* name = "";
    rt::CallOptions options;
  };

  bool StartEnvironment();
  bool LookUpFunctions();
  const CallPolicy& PolicyOf(rt::FunctionId fn) const;
  bool CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want);
  bool CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want, rt::Result& result);
  void FetchLastError(const char* call, rt::Result& result);
  // The error of a call that failed because the heap limit was reached, in it or earlier.
  std::string OutOfMemoryError(const char* callback, const std::string& error);
  // Logs the failure of a call whose error the host never asks for (close, destroy).
  void LogLastError(const char* call);
  void FetchLastError(const char* call) { FetchLastError(call, result_); }
  bool LoadEvent(const ss_plugin_event_input* evt);
  // Points the field at `count` values laid out as in the Results buffer from `data` (`size` bytes
  // readable); with `copy`, at copies of them.
  bool StoreResult(ss_plugin_extract_field& field, FieldStorage& storage, bool copy, const uint8_t* data, size_t size,
                   int32_t count);
  // One field in JavaScript: its value is then in the Results buffer.
  bool ExtractInJs(rt::CallScope& scope, v8::Local<v8::Function> extract, v8::Local<v8::Object> receiver,
                   const ss_plugin_extract_field& field, bool want_offsets);
  // After a next_batch that returned events: updates the fields computed ahead and computes them.
  void PrefetchBatch(Instance* instance);
  int32_t* control_i32() const { return reinterpret_cast<int32_t*>(control_.data); }
  double* control_f64() const { return reinterpret_cast<double*>(control_.data); }
  uint64_t* control_u64() const { return reinterpret_cast<uint64_t*>(control_.data); }

  ss_plugin_owner_t* owner_;
  ss_plugin_log_fn_t log_fn_;
  // Host calls on one state share the control block. The event paths (extract_fields,
  // event_to_string) are serialised by the isolate's lock itself, held for the whole call; the
  // others by this mutex. Each side has its own Result.
  std::mutex mutex_;
  std::unique_ptr<rt::Environment> env_;
  Functions fn_{};
  std::vector<CallPolicy> policies_;
  CallPolicy extract_policy_;
  // Heap-held so that it can be abandoned with the environment at process exit.
  std::unique_ptr<v8::Global<v8::Function>> extract_fn_;
  // JS strings of recent key arguments (libsinsp passes the same pointer for a field on every event):
  // a key field does not create a string per call. Heap-held for the same reason as extract_fn_.
  struct KeyCache {
    struct Entry {
      const char* pointer = nullptr;
      std::string text;
      v8::Global<v8::String> value;
    };
    Entry entries[16];
    size_t next = 0;
  };
  std::unique_ptr<KeyCache> key_cache_ = std::make_unique<KeyCache>();
  bool KeyString(v8::Isolate* isolate, const char* key, v8::Local<v8::Value>* out);
  rt::Result result_;
  rt::Result event_result_;
  std::mutex stopped_mutex_;
  std::string stopped_error_;   // why the state was stopped (the heap limit), from the call it happened in
  std::string last_error_;      // failures of the calls serialised by mutex_
  std::string event_error_;     // failures of extract_fields / event_to_string
  std::atomic<bool> latest_on_event_path_{false};
  std::string text_;         // list_open_params result
  std::string event_text_;   // event_to_string result
  std::string log_line_;     // NUL-terminated copy for the host's logger
  std::mutex log_mutex_;
  Buffer control_, event_, results_;
  std::unordered_map<int32_t, Buffer> batches_;
  bool event_loaded_ = false;
  uint64_t event_number_ = 0;
  uint64_t event_ts_ = 0;
  int32_t generation_ = 0;
  bool offsets_supported_;
  std::vector<FieldStorage> storage_;
  ExtractionPrefetch prefetch_;
  std::vector<uint32_t> offset_starts_, offset_lengths_;
};

}  // namespace falco_ts
