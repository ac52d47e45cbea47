// The `tables` object of the plugin binding (process._linkedBinding('falco_ts_plugin').tables): the
// plugin API's state tables for the JavaScript layer (lib/capabilities/tables/backend.ts).
#pragma once

#include <napi.h>

namespace falco_ts {

// Adds `tables` to the binding's exports (the environment's instance data is the PluginState).
void InitTablesBinding(Napi::Env env, Napi::Object exports);

}  // namespace falco_ts
