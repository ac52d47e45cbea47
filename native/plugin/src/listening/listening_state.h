// The capture listening part of a plugin state (capability.h): capture_open and capture_close over the JS
// functions of lib/capabilities/listening/exports.ts, and the routines the plugin runs on the host's thread
// pool through the routine vtable of capture_open (the binding's `routines`, routines_binding.h).
//
// Each subscribed routine has a Routine record, the state the host passes back to the trampoline. The host's
// unsubscribe may wait for a run of the routine, and a run waits for the isolate: so it is never called
// while this state's JavaScript runs. The binding's unsubscribe only stops the record (the trampoline then
// returns false without entering JavaScript) and queues it; the host is told after the JavaScript call, at
// the end of capture_open and capture_close and at destroy. capture_close and destroy stop every routine
// still subscribed.
//
// A record is freed only once the host can no longer call the trampoline with it: when the trampoline
// returned false (the host then drops the routine), or when the capture it belongs to is over, at the next
// capture_open or at destroy (hosts stop a capture's routines when it closes: libsinsp purges its pool after
// capture_close). Not when the host's unsubscribe returns: libsinsp's does not wait for a run in progress,
// and a run it already dequeued may still start.
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

#include "capability.h"
#include "plugin_state.h"

namespace falco_ts {

class ListeningState final : public CapabilityState {
 public:
  explicit ListeningState(PluginState& state) : state_(state) {}

  // The listening part of `state` (of a plugin with capture listening).
  static ListeningState& Of(PluginState& state) {
    return static_cast<ListeningState&>(state.capability(kRegistration.slot()));
  }
  // The listening part of `state`, or null when the plugin has no capture listening.
  static ListeningState* Find(PluginState& state);

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind, int32_t, uint8_t*, size_t) override { return false; }
  // At destroy: stops the routines the host may still run and tells the host (a capture never closed).
  void Stop() override;

  // Outside the event paths, serialised with the other calls by the state's call lock, with the call's
  // table reader and writer; each under its deadline.
  ss_plugin_rc CaptureOpen(const ss_plugin_capture_listen_input* in);
  ss_plugin_rc CaptureClose(const ss_plugin_capture_listen_input* in);

  // The binding's subscribe(id) and unsubscribe(id), on a thread running this state's JavaScript.
  // Subscribe: false with `error` set (no capture open, the host refused).
  bool Subscribe(int32_t id, std::string& error);
  void Unsubscribe(int32_t id);

 private:
  // What the host passes to the trampoline on each run of a routine.
  struct Routine {
    Routine(ListeningState& owner, int32_t id) : owner(owner), id(id) {}
    ListeningState& owner;
    const int32_t id;                       // the routine's id on the JavaScript side
    // Under routines_mutex_: the host's handle, and whether the host's unsubscribe is due or done.
    ss_plugin_routine_t* handle = nullptr;
    enum class Host : uint8_t { kSubscribed, kQueued, kUnsubscribed } host = Host::kSubscribed;
    std::atomic<bool> stopped{false};  // unsubscribed by the plugin or stopped with the capture
    std::atomic<bool> ended{false};    // the trampoline returned false: the host calls it no more
  };
  // The host's thread pool, copied from capture_open's input (libsinsp's vtable lives on its stack).
  struct HostPool {
    ss_plugin_owner_t* owner = nullptr;
    ss_plugin_routine_vtable vtable{};
    const char* (*get_owner_last_error)(ss_plugin_owner_t*) = nullptr;
  };

  static const CapabilityRegistration kRegistration;

  // The host's routine function: one run of `rs` (a Routine). Never throws; false ends the routine.
  static ss_plugin_bool RunRoutine(ss_plugin_t* s, ss_plugin_routine_state_t* rs) noexcept;
  bool Run(Routine& routine);
  // Calls captureOpen or captureClose; a failure is recorded with the plugin's message.
  ss_plugin_rc Call(rt::FunctionId fn, const char* call);
  // Keeps the pool of a capture call's input (none when it gives no routine vtable).
  void KeepPool(const ss_plugin_capture_listen_input* in);
  // Stops `routine` and queues it for the host's unsubscribe (once). Under routines_mutex_.
  void StopLocked(Routine& routine);
  // Stops every routine. Under routines_mutex_.
  void StopAllLocked();
  // Frees the records whose trampoline returned false. Under routines_mutex_.
  void ReapEndedLocked();
  // Calls the host's unsubscribe for each queued routine the host may still run. Never while this
  // thread runs the state's JavaScript.
  void UnsubscribeQueued();

  PluginState& state_;
  rt::FunctionId capture_open_ = -1;
  rt::FunctionId capture_close_ = -1;
  rt::FunctionId run_routine_ = -1;
  rt::FunctionId routine_stopped_ = -1;
  rt::CallOptions routine_options_;
  // The routines' Result: runs are serialised by the isolate's lock, and each uses it only under it.
  rt::Result routine_result_;

  // A leaf lock: never held while calling the host or JavaScript.
  std::mutex routines_mutex_;
  HostPool pool_;
  bool open_ = false;  // from capture_open until capture_close
  std::unordered_map<int32_t, std::unique_ptr<Routine>> routines_;
  std::vector<int32_t> queue_;  // ids of the routines to unsubscribe from the host
};

}  // namespace falco_ts
