#include "async/async_state.h"

#include <cstring>
#include <limits>
#include <memory>

#include "plugin_metadata.h"

namespace falco_ts {

namespace {

void PutU16(std::vector<uint8_t>& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v);
  out[at + 1] = static_cast<uint8_t>(v >> 8);
}

void PutU32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

void PutU64(std::vector<uint8_t>& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; i++) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

constexpr size_t kHeaderSize = FALCO_PLUGIN_EVENT_HEADER_SIZE;
constexpr size_t kLengthsSize = 4 * FALCO_PLUGIN_EVENT_ASYNC_NPARAMS;

}  // namespace

const CapabilityRegistration AsyncState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<AsyncState>(state); },
    kPayloadAsync);

AsyncState* AsyncState::Find(PluginState& state) {
  if ((Metadata().capability_flags & kPayloadAsync) == 0) return nullptr;
  return &Of(state);
}

bool AsyncState::LookUpFunctions() {
  return state_.LookUpFunctions({
      {&set_handler_, "setAsyncHandler", kDeadlineSetAsyncHandler},
      {&dump_state_, "dumpState", kDeadlineDumpState},
  });
}

void AsyncState::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  live_ = {};
  dump_ = {};
}

ss_plugin_rc AsyncState::SetHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler) {
  std::lock_guard<std::mutex> call(state_.call_mutex());
  const bool installing = handler != nullptr;
  if (installing) {
    // before startAsync, which may already emit
    std::lock_guard<std::mutex> lock(mutex_);
    live_ = {owner, handler};
  }
  bool ok = state_.CallJs(set_handler_, {rt::Arg::Bool(installing)}, rt::Want::kNumber);
  if (ok && static_cast<int>(state_.call_result().number) != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError("set_async_event_handler");
    ok = false;
  }
  if (!installing || !ok) {
    // stopped (whatever stopAsync said), or not started: the handler is not used any more
    std::lock_guard<std::mutex> lock(mutex_);
    live_ = {};
  }
  return ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
}

ss_plugin_rc AsyncState::DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler) {
  std::lock_guard<std::mutex> call(state_.call_mutex());
  if (handler == nullptr) {
    state_.set_last_error("dump_state: the host gave no handler");
    return SS_PLUGIN_FAILURE;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dump_ = {owner, handler};
  }
  bool ok = state_.CallJs(dump_state_, {}, rt::Want::kNumber);
  if (ok && static_cast<int>(state_.call_result().number) != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError("dump_state");
    ok = false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dump_ = {};
  }
  return ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
}

bool AsyncState::Emit(const std::string& name, const uint8_t* data, size_t size, bool dump, std::string& error) {
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    handler = dump ? dump_ : live_;
  }
  if (handler.fn == nullptr) {
    error = dump ? "the host's dump handler is gone (dumpState has returned)"
                 : "the host has no async event handler set (the events are stopped)";
    return false;
  }
  const size_t name_size = name.size() + 1;
  const size_t total = kHeaderSize + kLengthsSize + 4 + name_size + size;
  if (total > std::numeric_limits<uint32_t>::max()) {
    error = "the event would be larger than 4 GiB";
    return false;
  }
  event_.assign(total, 0);
  PutU64(event_, 0, std::numeric_limits<uint64_t>::max());  // the host stamps it
  PutU64(event_, 8, std::numeric_limits<uint64_t>::max());  // no thread
  PutU32(event_, 16, static_cast<uint32_t>(total));
  PutU16(event_, 20, FALCO_PLUGIN_EVENT_TYPE_ASYNC);
  PutU32(event_, 22, FALCO_PLUGIN_EVENT_ASYNC_NPARAMS);
  PutU32(event_, kHeaderSize, 4);
  PutU32(event_, kHeaderSize + 4, static_cast<uint32_t>(name_size));
  PutU32(event_, kHeaderSize + 8, static_cast<uint32_t>(size));
  size_t at = kHeaderSize + kLengthsSize;
  PutU32(event_, at, 0);  // the plugin's id: the host sets it
  at += 4;
  std::memcpy(event_.data() + at, name.c_str(), name_size);
  at += name_size;
  if (size > 0) std::memcpy(event_.data() + at, data, size);
  char err[PLUGIN_MAX_ERRLEN] = {};
  const auto* evt = reinterpret_cast<const ss_plugin_event*>(event_.data());
  if (handler.fn(handler.owner, evt, err) != SS_PLUGIN_SUCCESS) {
    err[PLUGIN_MAX_ERRLEN - 1] = '\0';
    error = err[0] != '\0' ? err : "the host refused it";
    return false;
  }
  return true;
}

}  // namespace falco_ts
