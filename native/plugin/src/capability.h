// What a capability (sourcing, extraction, ...) adds to a plugin state. Each capability with exports of
// its own lives in src/<capability>/: its exported symbols (exports_<capability>.cc) and its part of the
// plugin state, a CapabilityState that registers itself with a CapabilityRegistration. Linking a
// capability's objects into a library is what gives that library's plugin states the capability: the
// core (plugin_state.h) creates one part per registered capability and knows none of them by name.
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

 protected:
  CapabilityState() = default;
};

// One static instance per capability, in the capability's own files: every plugin state of the library
// then has that capability's part, created with the state (in registration order, the link order).
class CapabilityRegistration {
 public:
  using Factory = std::unique_ptr<CapabilityState> (*)(PluginState& state);
  explicit CapabilityRegistration(Factory factory);
  CapabilityRegistration(const CapabilityRegistration&) = delete;
  CapabilityRegistration& operator=(const CapabilityRegistration&) = delete;

  // Where the capability's part is in every plugin state (PluginState::capability).
  size_t slot() const { return slot_; }

  // The factories of the capabilities linked into this library, by slot.
  static size_t count();
  static Factory factory(size_t slot);

 private:
  size_t slot_;
};

}  // namespace falco_ts
