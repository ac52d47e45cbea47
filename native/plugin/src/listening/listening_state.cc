#include "listening/listening_state.h"

#include <iterator>
#include <string>
#include <utility>

#include "plugin_metadata.h"
#include "tables/table_access.h"

namespace falco_ts {

const CapabilityRegistration ListeningState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<ListeningState>(state); },
    kPayloadListening);

ListeningState* ListeningState::Find(PluginState& state) {
  // The core creates the part of every plugin whose payload has the flag (plugin_state.cc).
  if ((Metadata().capability_flags & kPayloadListening) == 0) return nullptr;
  return &Of(state);
}

void ListeningState::Stop() {
  // plugin_destroy, after the plugin's destroy stopped its routines. Hosts stop a capture's routines
  // when it closes: the host is told only of those of a capture still open. No JavaScript lock is held
  // here, so the host's unsubscribe may wait for a run that is waiting for one.
  try {
    bool tell_host = false;
    {
      std::lock_guard<std::mutex> lock(routines_mutex_);
      if (open_) StopAllLocked();
      for (auto& entry : routines_) entry.second->stopped.store(true, std::memory_order_release);
      tell_host = open_ && !queue_.empty();
      open_ = false;
    }
    if (tell_host) UnsubscribeQueued();
  } catch (...) {
    // Out of memory while stopping: the records are freed with the part all the same.
  }
}

bool ListeningState::LookUpFunctions() {
  routine_options_ = state_.CallOptionsOf(kDeadlineRoutine);
  return state_.LookUpFunctions({
      {&capture_open_, "captureOpen", kDeadlineCaptureOpen},
      {&capture_close_, "captureClose", kDeadlineCaptureClose},
      {&run_routine_, "runRoutine", kDeadlineRoutine},
      {&routine_stopped_, "routineStopped", kDeadlineRoutine},
  });
}

// ---- capture_open, capture_close ----

ss_plugin_rc ListeningState::CaptureOpen(const ss_plugin_capture_listen_input* in) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  {
    std::lock_guard<std::mutex> routines(routines_mutex_);
    if (!open_) {
      // The routines of the previous capture: the host stopped them when it closed.
      routines_.clear();
      queue_.clear();
    }
    open_ = true;
    pool_ = {};
    KeepPool(in);
  }
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  {
    rt::CallScope scope(state_.env());
    const tables::HostCallScope tables_window(state_, tables::CallKind::kCaptureOpen, in);
    rc = Call(capture_open_, "capture_open");
  }
  UnsubscribeQueued();  // what captureOpen unsubscribed, now that its JavaScript has returned
  return rc;
}

ss_plugin_rc ListeningState::CaptureClose(const ss_plugin_capture_listen_input* in) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  {
    std::lock_guard<std::mutex> routines(routines_mutex_);
    KeepPool(in);
  }
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  {
    rt::CallScope scope(state_.env());
    const tables::HostCallScope tables_window(state_, tables::CallKind::kCaptureClose, in);
    rc = Call(capture_close_, "capture_close");
  }
  {
    // The SDK's captureClose stopped the plugin's routines; these are what it could not (its call was
    // stopped at its deadline, or ended the environment).
    std::lock_guard<std::mutex> routines(routines_mutex_);
    StopAllLocked();
    open_ = false;
  }
  UnsubscribeQueued();
  return rc;
}

ss_plugin_rc ListeningState::Call(rt::FunctionId fn, const char* call) {
  if (!state_.CallJs(fn, {}, rt::Want::kNumber)) return SS_PLUGIN_FAILURE;
  if (static_cast<int>(state_.call_result().number) != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError(call);
    return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

void ListeningState::KeepPool(const ss_plugin_capture_listen_input* in) {
  if (in == nullptr || in->routine == nullptr) return;
  pool_.owner = in->owner;
  pool_.vtable = *in->routine;
  pool_.get_owner_last_error = in->get_owner_last_error;
}

// ---- routines ----

bool ListeningState::Subscribe(int32_t id, std::string& error) {
  HostPool pool;
  Routine* routine = nullptr;
  {
    std::lock_guard<std::mutex> lock(routines_mutex_);
    if (!open_) {
      error = "routines are subscribed while the capture is open (from capture_open until capture_close)";
      return false;
    }
    if (pool_.vtable.subscribe == nullptr) {
      error = "the host gave this capture no thread pool (no routine vtable)";
      return false;
    }
    ReapEndedLocked();
    auto record = std::make_unique<Routine>(*this, id);
    routine = record.get();
    // In the table before the host may run it.
    if (!routines_.emplace(id, std::move(record)).second) {
      error = "routine " + std::to_string(id) + " is already subscribed";
      return false;
    }
    pool = pool_;
  }
  ss_plugin_routine_t* handle = pool.vtable.subscribe(pool.owner, &ListeningState::RunRoutine, routine);
  std::string refusal;
  if (handle == nullptr && pool.get_owner_last_error != nullptr) {
    const char* message = pool.get_owner_last_error(pool.owner);
    if (message != nullptr) refusal = message;
  }
  std::lock_guard<std::mutex> lock(routines_mutex_);
  if (handle == nullptr) {
    routines_.erase(id);  // the host runs no routine it refused
    error = refusal.empty() ? "the host refused to subscribe routine " + std::to_string(id) : refusal;
    return false;
  }
  routine->handle = handle;
  return true;
}

void ListeningState::Unsubscribe(int32_t id) {
  std::lock_guard<std::mutex> lock(routines_mutex_);
  const auto it = routines_.find(id);
  if (it == routines_.end()) return;  // ended (and freed), or never subscribed
  if (open_) {
    StopLocked(*it->second);
  } else {
    it->second->stopped.store(true, std::memory_order_release);  // the host stopped it with the capture
  }
}

void ListeningState::StopLocked(Routine& routine) {
  routine.stopped.store(true, std::memory_order_release);
  if (routine.host == Routine::Host::kSubscribed && !routine.ended.load(std::memory_order_acquire)) {
    routine.host = Routine::Host::kQueued;
    queue_.push_back(routine.id);
  }
}

void ListeningState::StopAllLocked() {
  for (auto& entry : routines_) StopLocked(*entry.second);
}

void ListeningState::ReapEndedLocked() {
  for (auto it = routines_.begin(); it != routines_.end();) {
    it = it->second->ended.load(std::memory_order_acquire) ? routines_.erase(it) : std::next(it);
  }
}

void ListeningState::UnsubscribeQueued() {
  std::vector<std::pair<int32_t, ss_plugin_routine_t*>> handles;
  HostPool pool;
  {
    std::lock_guard<std::mutex> lock(routines_mutex_);
    if (queue_.empty()) return;
    for (const int32_t id : queue_) {
      const auto it = routines_.find(id);
      if (it == routines_.end()) continue;
      Routine& routine = *it->second;
      routine.host = Routine::Host::kUnsubscribed;
      // A routine whose trampoline returned false is no longer the host's.
      if (routine.handle != nullptr && !routine.ended.load(std::memory_order_acquire)) {
        handles.emplace_back(id, routine.handle);
      }
    }
    queue_.clear();
    ReapEndedLocked();
    pool = pool_;
  }
  if (pool.vtable.unsubscribe == nullptr) return;
  for (const auto& [id, handle] : handles) {
    if (pool.vtable.unsubscribe(pool.owner, handle) == SS_PLUGIN_SUCCESS) continue;
    const char* message = pool.get_owner_last_error != nullptr ? pool.get_owner_last_error(pool.owner) : nullptr;
    bool ended = true;
    {
      // The host refuses a routine that has just ended on its own (returned false meanwhile): not a failure.
      std::lock_guard<std::mutex> lock(routines_mutex_);
      const auto it = routines_.find(id);
      ended = it == routines_.end() || it->second->ended.load(std::memory_order_acquire);
    }
    if (ended) continue;
    const std::string line = "routine " + std::to_string(id) + ": the host's unsubscribe failed" +
                             (message != nullptr && *message != '\0' ? std::string(": ") + message : std::string());
    state_.Log(SS_PLUGIN_LOG_SEV_WARNING, line.data(), line.size());
  }
}

ss_plugin_bool ListeningState::RunRoutine(ss_plugin_t*, ss_plugin_routine_state_t* rs) noexcept {
  if (rs == nullptr) return 0;
  Routine& routine = *static_cast<Routine*>(rs);
  bool again = false;
  try {
    again = routine.owner.Run(routine);
  } catch (...) {
    // Out of memory around the call: the routine ends.
    again = false;
  }
  // The record's last use on this run: once ended it may be freed by another thread.
  if (!again) routine.ended.store(true, std::memory_order_release);
  return again ? 1 : 0;
}

bool ListeningState::Run(Routine& routine) {
  if (routine.stopped.load(std::memory_order_acquire)) return false;
  rt::CallScope scope(state_.env());
  // Stopped while this run waited for the isolate (an unsubscribe, capture_close).
  if (routine.stopped.load(std::memory_order_acquire)) return false;
  rt::Result& result = routine_result_;
  if (!state_.env().Call(run_routine_, {rt::Arg::Int32(routine.id)}, rt::Want::kBool, result, routine_options_)) {
    // What runRoutine throws the SDK logs itself; this is what it could not (the deadline, the heap limit).
    const std::string why = result.out_of_memory ? state_.OutOfMemoryError("runRoutine", result.error)
                            : result.timed_out   ? "runRoutine " + result.error
                                                 : result.error;
    const std::string line = "routine " + std::to_string(routine.id) + " stopped: " + why;
    state_.Log(SS_PLUGIN_LOG_SEV_ERROR, line.data(), line.size());
    // The plugin's handle no longer active, when its JavaScript can still run.
    if (state_.env().alive()) {
      (void)state_.env().Call(routine_stopped_, {rt::Arg::Int32(routine.id)}, rt::Want::kVoid, result,
                              routine_options_);
    }
    return false;
  }
  // Unsubscribed during its own run: it ends whatever it returned.
  return result.boolean && !routine.stopped.load(std::memory_order_acquire);
}

}  // namespace falco_ts
