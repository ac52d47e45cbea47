// The Node-API functions of the `routines` object. subscribe(id) subscribes routine `id` to the host's
// thread pool (an Error with the host's message when it refuses); unsubscribe(id) stops it: it does not
// run again once this returns, and the host is told once the current JavaScript call is over. No C++
// exception leaves them.
#include "listening/routines_binding.h"

#include <cmath>
#include <exception>
#include <string>

#include "listening/listening_state.h"
#include "plugin_state.h"

namespace falco_ts {

namespace {

// Runs `body(listening, id)` for function `name`, whose only argument is the routine's id.
template <typename Body>
Napi::Value Run(const Napi::CallbackInfo& info, const char* name, Body&& body) {
  Napi::Env env = info.Env();
  PluginState* state = env.GetInstanceData<PluginState>();
  if (state == nullptr) throw Napi::Error::New(env, std::string(name) + ": no plugin state owns this environment");
  ListeningState* listening = ListeningState::Find(*state);
  if (listening == nullptr) throw Napi::Error::New(env, std::string(name) + ": the plugin has no capture listening");
  const double id = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(id >= 1 && id <= 2147483647.0 && std::floor(id) == id)) {
    throw Napi::TypeError::New(env, std::string(name) + ": the routine id must be a positive integer");
  }
  try {
    body(*listening, static_cast<int32_t>(id));
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(name) + ": internal error: " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, std::string(name) + ": internal error");
  }
  return env.Undefined();
}

Napi::Value Subscribe(const Napi::CallbackInfo& info) {
  return Run(info, "subscribe", [&](ListeningState& listening, int32_t id) {
    std::string error;
    if (!listening.Subscribe(id, error)) throw Napi::Error::New(info.Env(), error);
  });
}

Napi::Value Unsubscribe(const Napi::CallbackInfo& info) {
  return Run(info, "unsubscribe", [](ListeningState& listening, int32_t id) { listening.Unsubscribe(id); });
}

}  // namespace

void InitRoutinesBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object routines = Napi::Object::New(env);
  routines.Set("subscribe", Napi::Function::New(env, Subscribe, "subscribe"));
  routines.Set("unsubscribe", Napi::Function::New(env, Unsubscribe, "unsubscribe"));
  exports.Set("routines", routines);
}

}  // namespace falco_ts
