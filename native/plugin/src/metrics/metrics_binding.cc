// declare(index, name, type, valueType) declares metric `index`; a TypeError for arguments of the wrong
// kind, an Error naming the problem for a declaration the state refuses. No C++ exception leaves it.
#include "metrics/metrics_binding.h"

#include <cmath>
#include <string>

#include "metrics/metrics_state.h"
#include "plugin_state.h"

namespace falco_ts {

namespace {

bool IsIndex(const Napi::Value& v) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  return d >= 0 && d <= 4294967295.0 && std::floor(d) == d;
}

Napi::Value Declare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PluginState* state = env.GetInstanceData<PluginState>();
  if (state == nullptr) throw Napi::Error::New(env, "metrics.declare: no plugin state owns this environment");
  if (info.Length() < 4 || !IsIndex(info[0]) || !info[1].IsString() || !IsIndex(info[2]) || !IsIndex(info[3])) {
    throw Napi::TypeError::New(env, "metrics.declare(index, name, type, valueType) expected");
  }
  std::string error;
  const bool declared = MetricsState::Of(*state).Declare(
      info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::String>().Utf8Value(),
      info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value(), error);
  if (!declared) throw Napi::Error::New(env, "metrics.declare: " + error);
  return env.Undefined();
}

}  // namespace

void InitMetricsBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object metrics = Napi::Object::New(env);
  metrics.Set("declare", Napi::Function::New(env, Declare, "declare"));
  exports.Set("metrics", metrics);
}

}  // namespace falco_ts
