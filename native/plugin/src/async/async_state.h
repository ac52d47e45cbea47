// The async events part of a plugin state (capability.h): set_async_event_handler and dump_state over
// the JS functions of lib/capabilities/async/exports.ts, and the host's handlers the plugin's emits go
// to (async_binding.h). An emit runs on a thread running the state's JavaScript; the handler of
// set_async_event_handler is set before the plugin's startAsync runs and removed once its stopAsync
// returned, so that no event ever reaches a handler the host has removed.
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "capability.h"
#include "plugin_state.h"

namespace falco_ts {

class AsyncState final : public CapabilityState {
 public:
  explicit AsyncState(PluginState& state) : state_(state) {}

  // The async part of `state` (of a plugin with async events).
  static AsyncState& Of(PluginState& state) {
    return static_cast<AsyncState&>(state.capability(kRegistration.slot()));
  }
  // The async part of `state`, or null when the plugin has no async events.
  static AsyncState* Find(PluginState& state);

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind, int32_t, uint8_t*, size_t) override { return false; }
  // At destroy: the plugin's destroy stopped its events; no handler is used after it.
  void Stop() override;

  // plugin_set_async_event_handler (NULL `handler`: stop). Under the state's call lock and deadline.
  ss_plugin_rc SetHandler(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);
  // plugin_dump_state: the plugin's dumpState with `handler` as the dump handler during the call.
  ss_plugin_rc DumpState(ss_plugin_owner_t* owner, ss_plugin_async_event_handler_t handler);

  // From the binding: builds the async event (type 402: plugin id 0, the name, the data) and hands it to
  // the dump handler (`dump`) or the live one. False: `error` has the reason (no handler, the host's).
  bool Emit(const std::string& name, const uint8_t* data, size_t size, bool dump, std::string& error);

 private:
  struct Handler {
    ss_plugin_owner_t* owner = nullptr;
    ss_plugin_async_event_handler_t fn = nullptr;
  };

  static const CapabilityRegistration kRegistration;

  PluginState& state_;
  rt::FunctionId set_handler_ = -1;
  rt::FunctionId dump_state_ = -1;
  std::mutex mutex_;  // live_ and dump_: set on the host's thread, read on the JavaScript thread
  Handler live_;
  Handler dump_;
  std::vector<uint8_t> event_;  // the event being handed over (JavaScript thread only)
};

}  // namespace falco_ts
