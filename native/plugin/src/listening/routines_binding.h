// The `routines` object of the plugin binding (process._linkedBinding('falco_ts_plugin').routines): the
// host's thread pool for the JavaScript layer (lib/capabilities/listening/backend.ts), over the routine
// vtable of capture_open (listening_state.h).
#pragma once

#include <napi.h>

namespace falco_ts {

// Adds `routines` to the binding's exports (the environment's instance data is the PluginState).
void InitRoutinesBinding(Napi::Env env, Napi::Object exports);

}  // namespace falco_ts
