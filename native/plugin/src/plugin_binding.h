// The Node-API binding through which the symbols layer shares its buffers with the plugin layer
// (process._linkedBinding('falco_ts_plugin'), see lib/symbols/native-bridge.ts).
#pragma once

#include <node_api.h>

namespace falco_ts {

constexpr const char* kPluginBindingName = "falco_ts_plugin";

napi_value InitPluginBinding(napi_env env, napi_value exports);

}  // namespace falco_ts
