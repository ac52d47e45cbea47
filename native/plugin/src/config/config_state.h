// The config update part of a plugin state (capability.h): set_config over the JS function of
// lib/capabilities/config/exports.ts. Every plugin library has it (set_config is not a capability in
// libsinsp's sense: a plugin without setConfig refuses updates with a message).
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include "capability.h"
#include "plugin_state.h"

namespace falco_ts {

class ConfigState final : public CapabilityState {
 public:
  explicit ConfigState(PluginState& state) : state_(state) {}

  // The config part of `state`.
  static ConfigState& Of(PluginState& state) {
    return static_cast<ConfigState&>(state.capability(kRegistration.slot()));
  }

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind, int32_t, uint8_t*, size_t) override { return false; }

  // Outside the event paths, serialised with the other calls by the state's call lock; runs under the
  // setConfig deadline.
  ss_plugin_rc SetConfig(const ss_plugin_set_config_input* in);

 private:
  static const CapabilityRegistration kRegistration;

  PluginState& state_;
  rt::FunctionId set_config_ = -1;
};

}  // namespace falco_ts
