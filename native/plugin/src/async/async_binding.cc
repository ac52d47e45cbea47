// emit(name, data, dump) hands one async event to the host: a TypeError for arguments of the wrong kind,
// an Error with the reason when there is no handler or the host refuses the event. No C++ exception
// leaves it.
#include "async/async_binding.h"

#include <exception>
#include <string>

#include "async/async_state.h"
#include "plugin_state.h"

namespace falco_ts {

namespace {

Napi::Value Emit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PluginState* state = env.GetInstanceData<PluginState>();
  if (state == nullptr) throw Napi::Error::New(env, "async.emit: no plugin state owns this environment");
  AsyncState* async = AsyncState::Find(*state);
  if (async == nullptr) throw Napi::Error::New(env, "async.emit: the plugin has no async events");
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsBoolean())
    throw Napi::TypeError::New(env, "async.emit(name, Uint8Array, dump) expected");
  Napi::TypedArray typed = info[1].As<Napi::TypedArray>();
  if (typed.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, "async.emit: data must be a Uint8Array");
  Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
  std::string error;
  bool sent = false;
  try {
    sent = async->Emit(info[0].As<Napi::String>().Utf8Value(), data.Data(), data.ByteLength(),
                       info[2].As<Napi::Boolean>().Value(), error);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("async.emit: internal error: ") + e.what());
  }
  if (!sent) throw Napi::Error::New(env, error);
  return env.Undefined();
}

}  // namespace

void InitAsyncBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object async = Napi::Object::New(env);
  async.Set("emit", Napi::Function::New(env, Emit, "emit"));
  exports.Set("async", async);
}

}  // namespace falco_ts
