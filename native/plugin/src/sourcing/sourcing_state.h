// The event sourcing part of a plugin state (capability.h): open, close, list_open_params,
// next_batch, get_progress and event_to_string, over the JS functions of
// lib/capabilities/sourcing/exports.ts, and the batch buffers the symbols layer fills.
#pragma once

#include <falco_plugin_api.h>
#include <falco_ts/runtime.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "capability.h"
#include "plugin_state.h"

namespace falco_ts {

// What open() returns to the host: the JS instance handle and the memory of its last batch.
struct Instance {
  int32_t handle = 0;
  std::vector<ss_plugin_event*> events;  // pointers into the batch buffer, valid until the next call
  std::string progress;
  bool progress_failure_logged = false;  // a stopped progress call is logged once per capture
};

class SourcingState final : public CapabilityState {
 public:
  explicit SourcingState(PluginState& state) : state_(state) {}

  // The sourcing part of `state` (of a library linked with this capability).
  static SourcingState& Of(PluginState& state) {
    return static_cast<SourcingState&>(state.capability(kRegistration.slot()));
  }

  bool LookUpFunctions() override;
  bool Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) override;

  Instance* Open(const char* params, ss_plugin_rc* rc);
  void Close(Instance* instance);
  const char* ListOpenParams(ss_plugin_rc* rc);
  ss_plugin_rc NextBatch(Instance* instance, uint32_t* nevts, ss_plugin_event*** evts);
  const char* Progress(Instance* instance, uint32_t* progress_pct);
  const char* EventToString(const ss_plugin_event_input* evt);

 private:
  static const CapabilityRegistration kRegistration;

  struct Functions {
    rt::FunctionId list_open_params, open, close, next_batch, progress, event_to_string;
  };

  PluginState& state_;
  Functions fn_{};
  // The batch buffer of each open instance, by JS handle.
  std::unordered_map<int32_t, PluginState::Buffer> batches_;
  std::string text_;        // list_open_params result
  std::string event_text_;  // event_to_string result
};

}  // namespace falco_ts
