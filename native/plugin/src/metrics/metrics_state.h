// The metrics part of a plugin state (capability.h, API 3.6): the declarations the plugin's JavaScript
// makes through the binding (metrics_binding.h) and the Metrics buffer its values live in
// (lib/capabilities/metrics). get_metrics reads the values in place, from any thread, without entering
// JavaScript. Every plugin state has this part: a plugin without metrics publishes none.
#pragma once

#include <falco_plugin_api.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "capability.h"
#include "exchange_layout.h"

namespace falco_ts {

class MetricsState final : public CapabilityState {
 public:
  explicit MetricsState(PluginState&) {}

  // The metrics part of `state`.
  static MetricsState& Of(PluginState& state);

  bool LookUpFunctions() override { return true; }
  // The Metrics buffer (kMaxMetrics float64 slots; a shorter one is read as far as it goes).
  bool Adopt(exchange::BufferKind kind, int32_t id, uint8_t* data, size_t size) override;

  // Metric `index` (its value in slot `index`): the next one, or one already declared, again
  // with the same name and types. `type` is an ss_plugin_metric_type, `value_type` one of U32, S32, U64,
  // S64 or D. False: `error` says why, nothing changed.
  bool Declare(uint32_t index, const std::string& name, int type, int value_type, std::string& error);

  // plugin_get_metrics: every declared metric with its current value. The array stays valid until the
  // next call or the state's destroy.
  ss_plugin_metric* Collect(uint32_t* count);

 private:
  struct Declared {
    std::string name;
    ss_plugin_metric_type type = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
    ss_plugin_metric_value_type value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
  };

  // The value in slot `index`, as JavaScript last stored it (0 past the buffer's end).
  double ValueAt(size_t index) const;

  static const CapabilityRegistration kRegistration;

  std::mutex mutex_;  // the declarations, the buffer's place and the returned array
  const uint8_t* values_ = nullptr;
  size_t slots_ = 0;
  std::array<Declared, exchange::kMaxMetrics> declared_;
  size_t count_ = 0;
  std::array<ss_plugin_metric, exchange::kMaxMetrics> published_{};
};

}  // namespace falco_ts
