#include "plugin_binding.h"

#include <napi.h>

#include "async/async_binding.h"
#include "listening/routines_binding.h"
#include "metrics/metrics_binding.h"
#include "plugin_state.h"
#include "tables/tables_binding.h"

namespace falco_ts {

namespace {

PluginState* StateOf(const Napi::CallbackInfo& info) { return info.Env().GetInstanceData<PluginState>(); }

// adopt(kind, id, arrayBuffer): records where a shared buffer lives.
Napi::Value Adopt(const Napi::CallbackInfo& info) {
  PluginState* state = StateOf(info);
  if (state == nullptr || info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsArrayBuffer()) {
    Napi::TypeError::New(info.Env(), "adopt(kind, id, ArrayBuffer) expected").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  const int32_t kind = info[0].As<Napi::Number>().Int32Value();
  if (kind < 0 || kind > exchange::kLastBufferKind) {
    Napi::RangeError::New(info.Env(), "adopt: unknown buffer kind").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Napi::ArrayBuffer buffer = info[2].As<Napi::ArrayBuffer>();
  state->Adopt(static_cast<exchange::BufferKind>(kind), info[1].As<Napi::Number>().Int32Value(),
               static_cast<uint8_t*>(buffer.Data()), buffer.ByteLength());
  return info.Env().Undefined();
}

// log(severity, message): the plugin logger, to the host's log function.
Napi::Value Log(const Napi::CallbackInfo& info) {
  PluginState* state = StateOf(info);
  if (state == nullptr || info.Length() < 2 || !info[1].IsString()) return info.Env().Undefined();
  const int severity = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 6;
  const std::string message = info[1].As<Napi::String>().Utf8Value();
  state->Log(severity < 1 || severity > 8 ? 6 : severity, message.data(), message.size());
  return info.Env().Undefined();
}

// The state outlives its environment's bindings: nothing to free.
void KeepState(Napi::Env, PluginState*) {}

}  // namespace

napi_value InitPluginBinding(napi_env env, napi_value exports) {
  try {
    Napi::Env napi(env);
    PluginState* state = PluginState::ForCurrentEnvironment();
    if (state == nullptr) {
      Napi::Error::New(napi, "falco_ts_plugin: no plugin state owns this environment").ThrowAsJavaScriptException();
      return exports;
    }
    napi.SetInstanceData<PluginState, &KeepState>(state);
    Napi::Object object(env, exports);
    object.Set("adopt", Napi::Function::New(napi, Adopt, "adopt"));
    object.Set("log", Napi::Function::New(napi, Log, "log"));
    InitTablesBinding(napi, object);
    InitRoutinesBinding(napi, object);
    InitMetricsBinding(napi, object);
    InitAsyncBinding(napi, object);
    return exports;
  } catch (...) {
    return exports;
  }
}

}  // namespace falco_ts
