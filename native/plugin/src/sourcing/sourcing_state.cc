#include "sourcing/sourcing_state.h"

#include <cstring>
#include <memory>

#include "batch_observer.h"

namespace falco_ts {

namespace ctl = exchange;

const CapabilityRegistration SourcingState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<SourcingState>(state); },
    kPayloadSourcing);

bool SourcingState::LookUpFunctions() {
  return state_.LookUpFunctions({
      {&fn_.list_open_params, "listOpenParams", kDeadlineListOpenParams},
      {&fn_.open, "open", kDeadlineOpen},
      {&fn_.close, "close", kDeadlineClose},
      {&fn_.next_batch, "nextBatch", kDeadlineNextBatch},
      {&fn_.progress, "progress", kDeadlineProgress},
      {&fn_.event_to_string, "eventToString", kDeadlineEventToString},
  });
}

bool SourcingState::Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) {
  if (kind != exchange::BufferKind::kBatch) return false;
  batches_[id] = {data, size};
  return true;
}

Instance* SourcingState::Open(const char* params, ss_plugin_rc* rc) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  *rc = SS_PLUGIN_FAILURE;
  if (!state_.CallJs(fn_.open, {rt::Arg::String(params ? params : "")}, rt::Want::kNumber)) return nullptr;
  const auto handle = static_cast<int32_t>(state_.call_result().number);
  if (handle <= 0) {
    state_.FetchLastError("open");
    return nullptr;
  }
  auto instance = std::make_unique<Instance>();
  instance->handle = handle;
  *rc = SS_PLUGIN_SUCCESS;
  return instance.release();
}

void SourcingState::Close(Instance* instance) {
  std::unique_ptr<Instance> owned(instance);
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  const bool alive = state_.env().alive();
  if (!state_.CallJs(fn_.close, {rt::Arg::Int32(instance->handle)}, rt::Want::kVoid) && alive) {
    state_.LogLastError("close");
  }
  batches_.erase(instance->handle);
}

const char* SourcingState::ListOpenParams(ss_plugin_rc* rc) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  *rc = SS_PLUGIN_FAILURE;
  if (!state_.CallJs(fn_.list_open_params, {}, rt::Want::kString)) return nullptr;
  const rt::Result& result = state_.call_result();
  if (result.str == "null") {
    state_.FetchLastError("list_open_params");
    return nullptr;
  }
  text_ = result.str;
  *rc = SS_PLUGIN_SUCCESS;
  return text_.c_str();
}

ss_plugin_rc SourcingState::NextBatch(Instance* instance, uint32_t* nevts, ss_plugin_event*** evts) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  *nevts = 0;
  *evts = nullptr;
  BatchObserver* observer = state_.batch_observer();
  if (observer != nullptr) observer->BatchWillChange();
  if (!state_.CallJs(fn_.next_batch, {rt::Arg::Int32(instance->handle)}, rt::Want::kNumber)) return SS_PLUGIN_FAILURE;
  const auto rc = static_cast<ss_plugin_rc>(static_cast<int>(state_.call_result().number));
  const int32_t count = state_.control_i32()[ctl::kBatchCount];
  if (count > 0) {
    const PluginState::Buffer& batch = batches_[instance->handle];
    instance->events.resize(static_cast<size_t>(count));
    size_t offset = 0;
    for (int32_t i = 0; i < count; i++) {
      uint32_t len = 0;
      if (offset + FALCO_PLUGIN_EVENT_HEADER_SIZE > batch.size ||
          (std::memcpy(&len, batch.data + offset + 16, sizeof len), len < FALCO_PLUGIN_EVENT_HEADER_SIZE) ||
          offset + len > batch.size) {
        state_.SetError(PluginState::kCallPath,
                        "next_batch: event " + std::to_string(i) + " lies outside the batch memory");
        return SS_PLUGIN_FAILURE;
      }
      instance->events[static_cast<size_t>(i)] = reinterpret_cast<ss_plugin_event*>(batch.data + offset);
      offset += len;
    }
    *nevts = static_cast<uint32_t>(count);
    *evts = instance->events.data();
    if (rc != SS_PLUGIN_FAILURE && observer != nullptr) observer->BatchDelivered(instance->handle, instance->events);
  }
  if (rc == SS_PLUGIN_FAILURE) state_.FetchLastError("next_batch");
  return rc;
}

const char* SourcingState::Progress(Instance* instance, uint32_t* progress_pct) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  *progress_pct = 0;
  if (!state_.CallJs(fn_.progress, {rt::Arg::Int32(instance->handle)}, rt::Want::kString)) {
    // get_progress has no error path: the detail says it, and the log once per capture (as the SDK
    // does for a throwing progress()).
    instance->progress = "progress unavailable: " + state_.call_error();
    if (!instance->progress_failure_logged) {
      instance->progress_failure_logged = true;
      const std::string line = "progress failed (reported once for this capture): " + state_.call_error();
      state_.Log(SS_PLUGIN_LOG_SEV_ERROR, line.data(), line.size());
    }
    return instance->progress.c_str();
  }
  *progress_pct = static_cast<uint32_t>(state_.control_i32()[ctl::kProgressPct]);
  instance->progress = state_.call_result().str;
  return instance->progress.c_str();
}

const char* SourcingState::EventToString(const ss_plugin_event_input* evt) {
  rt::CallScope scope(state_.env());
  if (!state_.LoadEvent(evt)) {
    event_text_ = "error: " + state_.event_error();
    return event_text_.c_str();
  }
  rt::Result& result = state_.event_result();
  event_text_ = state_.CallJs(fn_.event_to_string, {}, rt::Want::kString, result) ? result.str
                                                                                   : "error: " + state_.event_error();
  return event_text_.c_str();
}

}  // namespace falco_ts
