// The `metrics` object of the plugin binding (process._linkedBinding('falco_ts_plugin').metrics): the
// declarations of the plugin's metrics (lib/capabilities/metrics/backend.ts), kept by metrics_state.h.
#pragma once

#include <napi.h>

namespace falco_ts {

// Adds `metrics` to the binding's exports (the environment's instance data is the PluginState).
void InitMetricsBinding(Napi::Env env, Napi::Object exports);

}  // namespace falco_ts
