// The metrics symbol, linked into every plugin library (API 3.6).
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "guard.h"
#include "metrics/metrics_state.h"
#include "plugin_state.h"

using falco_ts::Guard;
using falco_ts::MetricsState;
using falco_ts::PluginState;

extern "C" {

ss_plugin_metric* plugin_get_metrics(ss_plugin_t* s, uint32_t* num_metrics) {
  if (num_metrics != nullptr) *num_metrics = 0;
  if (s == nullptr || num_metrics == nullptr) return nullptr;
  return Guard([&]() { return MetricsState::Of(*static_cast<PluginState*>(s)).Collect(num_metrics); },
               [&](const std::string& e) -> ss_plugin_metric* {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 *num_metrics = 0;
                 return nullptr;
               });
}

}  // extern "C"
