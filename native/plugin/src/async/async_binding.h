// The `async` object of the plugin binding (process._linkedBinding('falco_ts_plugin').async): the host's
// async event handlers for the JavaScript layer (lib/capabilities/async/backend.ts), over async_state.h.
#pragma once

#include <napi.h>

namespace falco_ts {

// Adds `async` to the binding's exports (the environment's instance data is the PluginState).
void InitAsyncBinding(Napi::Env env, Napi::Object exports);

}  // namespace falco_ts
