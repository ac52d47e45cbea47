// What a capability (sourcing, extraction, ...) adds to a plugin state. Each group of exported symbols
// lives in src/<group>/: its exported symbols (exports_<group>.cc) and its part of the plugin state, a
// CapabilityState that registers itself with a CapabilityRegistration. Every group is linked into the
// template; a plugin state has the part of each group whose payload flag the plugin's payload sets (a
// flag of 0: every plugin state), and `falco-plugin build` keeps exported only those groups' symbols.
// The core (plugin_state.h) creates the parts and knows none of them by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "exchange_layout.h"

namespace falco_ts {

class PluginState;

class CapabilityState {
 public:
  virtual ~CapabilityState() = default;
  CapabilityState(const CapabilityState&) = delete;
  CapabilityState& operator=(const CapabilityState&) = delete;

  // At init, once the environment has started and before the plugin's init runs: looks up the JS
  // functions this capability calls (PluginState::LookUpFunctions). False: the state's last error says why.
  virtual bool LookUpFunctions() = 0;
  // A buffer the symbols layer shares (called on a thread running the state's JS). False: not one of
  // this capability's kinds.
  virtual bool Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) = 0;
  // At plugin_destroy, after the plugin's destroy ran and before any part is destroyed, on a thread that
  // holds no JavaScript lock: the place to wait for work that may itself need one (the host's threads).
  virtual void Stop() {}

 protected:
  CapabilityState() = default;
};

// One static instance per capability, in the capability's own files: the plugin states that have the
// capability get its part, created with the state (in registration order, the link order).
class CapabilityRegistration {
 public:
  using Factory = std::unique_ptr<CapabilityState> (*)(PluginState& state);
  // `payload_flag`: the bit of the payload's capability flags (lib/cli/payload.ts) that gives a plugin
  // state this part; 0: every plugin state has it.
  CapabilityRegistration(Factory factory, uint32_t payload_flag);
  CapabilityRegistration(const CapabilityRegistration&) = delete;
  CapabilityRegistration& operator=(const CapabilityRegistration&) = delete;

  // Where the capability's part is in every plugin state (PluginState::capability).
  size_t slot() const { return slot_; }

  // The factories of the capabilities linked into this library and their payload flags, by slot.
  static size_t count();
  static Factory factory(size_t slot);
  static uint32_t payload_flag(size_t slot);

 private:
  size_t slot_;
};

}  // namespace falco_ts
