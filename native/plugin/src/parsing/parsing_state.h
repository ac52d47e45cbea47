// The event parsing part of a plugin state (capability.h): parse_event over the JS function of
// lib/capabilities/parsing/exports.ts, for the event the host hands over, placed in the Event buffer.
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <cstdint>
#include <string>

#include "capability.h"
#include "plugin_state.h"

namespace falco_ts {

class ParsingState final : public CapabilityState {
 public:
  explicit ParsingState(PluginState& state) : state_(state) {}

  // The parsing part of `state` (of a library linked with this capability).
  static ParsingState& Of(PluginState& state) {
    return static_cast<ParsingState&>(state.capability(kRegistration.slot()));
  }

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind, int32_t, uint8_t*, size_t) override { return false; }

  // On the event path (serialised with extraction by the isolate's lock, like extract_fields).
  ss_plugin_rc Parse(const ss_plugin_event_input* evt, const ss_plugin_event_parse_input* in);

 private:
  static const CapabilityRegistration kRegistration;

  PluginState& state_;
  rt::FunctionId parse_event_ = -1;
  // The source the JS side was last told: the host names the same few sources again and again, so the
  // name crosses into JavaScript only when it changes.
  std::string source_;
  bool source_sent_ = false;
};

}  // namespace falco_ts
