// One plugin state (plugin_init .. plugin_destroy): an embedded Node environment running the plugin's
// bundle, and the memory it shares with the symbols layer (see exchange_layout.h). This is the part
// every plugin has: init, destroy, the last error, the JS calls and their deadlines, the control block,
// the Event buffer and the logger. Each capability linked into the library adds its own part
// (capability.h), which works through the methods below.
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capability.h"
#include "exchange_layout.h"
#include "plugin_metadata.h"

namespace falco_ts {

class BatchObserver;
namespace tables {
class PluginTables;
}  // namespace tables

class PluginState {
 public:
  // `tables` and `get_owner_last_error`: what plugin_init was given for the state tables (tables/).
  PluginState(ss_plugin_owner_t* owner, ss_plugin_log_fn_t log_fn, const ss_plugin_init_tables_input* tables,
              const char* (*get_owner_last_error)(ss_plugin_owner_t*));
  ~PluginState();
  PluginState(const PluginState&) = delete;
  PluginState& operator=(const PluginState&) = delete;

  // Starts the environment and calls the plugin's init. False: last_error() says why.
  bool Init(const char* config);
  // The message of the latest failure, whichever path it happened on.
  const char* last_error() const { return (latest_on_event_path_.load() ? event_error_ : last_error_).c_str(); }
  void set_last_error(std::string message) { SetError(kCallPath, std::move(message)); }

  // Called by the Node-API binding (on a thread running this state's JS).
  void Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size);
  void Log(int severity, const char* message, size_t length);

  // The state tables: the vtables of the current host call, the handles the binding gives out, the
  // plugin's own tables (tables/plugin_tables.h).
  tables::PluginTables& tables() const { return *tables_; }

  // The state whose environment runs JS on this thread, for the binding's initialisation.
  static PluginState* ForCurrentEnvironment();

  // ---- What the capabilities' parts use ----

  // The part of the capability registered at `slot` (CapabilityRegistration::slot). Only the exports of
  // a capability the plugin has ask for it: the library exports no other group's symbols.
  CapabilityState& capability(size_t slot) const { return *capabilities_[slot]; }

  // The lock of the calls outside the event paths, and the Result of each side (see mutex_).
  std::mutex& call_mutex() { return mutex_; }
  rt::Result& call_result() { return result_; }
  rt::Result& event_result() { return event_result_; }
  rt::Environment& env() const { return *env_; }

  // Failures are recorded per path, each written only under that path's lock (see mutex_).
  static constexpr bool kCallPath = false;
  static constexpr bool kEventPath = true;
  void SetError(bool event_path, std::string message) {
    (event_path ? event_error_ : last_error_) = std::move(message);
    latest_on_event_path_.store(event_path);
  }
  // The latest failure of each path.
  const std::string& call_error() const { return last_error_; }
  const std::string& event_error() const { return event_error_; }

  // A JS function of the bundle that a capability calls: where its id goes, its name among the
  // bundle's exports, and the callback whose deadline it runs under.
  struct JsFunction {
    rt::FunctionId* id;
    const char* name;
    DeadlineCallback deadline;
  };
  // Looks the functions up and records their call policies. False: the last error names the missing one.
  bool LookUpFunctions(std::initializer_list<JsFunction> functions);
  // The call options of a callback's deadline, for a function called with rt::Environment::CallValue.
  rt::CallOptions CallOptionsOf(DeadlineCallback deadline) const;

  // Calls a looked-up function under its deadline; a failure is recorded on the path of `result`
  // (without one, the call path's).
  bool CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want);
  bool CallJs(rt::FunctionId fn, std::initializer_list<rt::Arg> args, rt::Want want, rt::Result& result);
  // After a call that reported a failure: records the plugin's message on the path of `result`.
  void FetchLastError(const char* call, rt::Result& result);
  void FetchLastError(const char* call) { FetchLastError(call, result_); }
  // The error of a call that failed because the heap limit was reached, in it or earlier.
  std::string OutOfMemoryError(const char* callback, const std::string& error);
  // Logs the failure of a call whose error the host never asks for (close, destroy).
  void LogLastError(const char* call);

  // Copies the host's event into the Event buffer (unless it is already there). False: the event
  // path's error says why.
  bool LoadEvent(const ss_plugin_event_input* evt);

  int32_t* control_i32() const { return reinterpret_cast<int32_t*>(control_.data); }
  double* control_f64() const { return reinterpret_cast<double*>(control_.data); }
  uint64_t* control_u64() const { return reinterpret_cast<uint64_t*>(control_.data); }

  // Told around each batch of the plugin's own event source (at most one capability watches them).
  void set_batch_observer(BatchObserver* observer) { batch_observer_ = observer; }
  BatchObserver* batch_observer() const { return batch_observer_; }

  // Memory the symbols layer shares (Adopt).
  struct Buffer {
    uint8_t* data = nullptr;
    size_t size = 0;
  };

 private:
  // The name and call options (deadline) of each function, indexed by FunctionId.
  struct CallPolicy {
    const char* name = "";
    rt::CallOptions options;
  };
  struct Functions {
    rt::FunctionId init, destroy, last_error, reserve_event_buffer;
  };

  bool StartEnvironment();
  bool PathOf(const rt::Result& result) const { return &result == &event_result_; }
  const CallPolicy& PolicyOf(rt::FunctionId fn) const;

  ss_plugin_owner_t* owner_;
  ss_plugin_log_fn_t log_fn_;
  // Host calls on one state share the control block. The event paths (extract_fields,
  // event_to_string) are serialised by the isolate's lock itself, held for the whole call; the
  // others by this mutex. Each side has its own Result.
  std::mutex mutex_;
  // Outlives the environment: its JS may use the tables until it is gone.
  std::unique_ptr<tables::PluginTables> tables_;
  std::unique_ptr<rt::Environment> env_;
  Functions fn_{};
  std::vector<CallPolicy> policies_;
  rt::Result result_;
  rt::Result event_result_;
  std::mutex stopped_mutex_;
  std::string stopped_error_;   // why the state was stopped (the heap limit), from the call it happened in
  std::string last_error_;      // failures of the calls serialised by mutex_
  std::string event_error_;     // failures of extract_fields / event_to_string
  std::atomic<bool> latest_on_event_path_{false};
  std::string log_line_;     // NUL-terminated copy for the host's logger
  std::mutex log_mutex_;
  Buffer control_, event_;
  bool event_loaded_ = false;
  uint64_t event_number_ = 0;
  uint64_t event_ts_ = 0;
  int32_t generation_ = 0;
  BatchObserver* batch_observer_ = nullptr;
  // One part per capability linked into the library that the plugin has (null: not this plugin's), by
  // slot. They may hold JS handles: they are
  // destroyed with the environment (see ~PluginState).
  std::vector<std::unique_ptr<CapabilityState>> capabilities_;
};

}  // namespace falco_ts
