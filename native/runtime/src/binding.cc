// Node-API module `falco_ts_runtime` (process._linkedBinding('falco_ts_runtime')) used by the
// bootstrap: log routing and error recording. Linked into every environment with
// node::AddLinkedBinding; the owning Environment is found through Environment::Current() when
// the module is initialised (always on a thread running that environment's JS).
#include <napi.h>

#include <cstring>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

struct BindingData {
  Environment* env;
};

Environment* EnvOf(const Napi::CallbackInfo& info) {
  BindingData* data = info.Env().GetInstanceData<BindingData>();
  return data ? data->env : nullptr;
}

// Copies a JS string argument into `out` (UTF-8). Returns false if it is not a string.
bool StringArg(const Napi::CallbackInfo& info, size_t i, std::string* out) {
  if (info.Length() <= i || !info[i].IsString()) return false;
  napi_env env = info.Env();
  size_t len = 0;
  if (napi_get_value_string_utf8(env, info[i], nullptr, 0, &len) != napi_ok) return false;
  out->resize(len + 1);
  if (napi_get_value_string_utf8(env, info[i], out->data(), len + 1, &len) != napi_ok) return false;
  out->resize(len);
  return true;
}

Napi::Value Log(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  int severity = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value()
                                                         : static_cast<int>(Severity::kInfo);
  if (severity < 1 || severity > 8) severity = static_cast<int>(Severity::kInfo);
  thread_local std::string text;  // reused: console.log does not allocate on the C++ heap
  if (!StringArg(info, 1, &text)) text = "<non-string log message>";
  if (env) {
    env->Log(static_cast<Severity>(severity), text);
  } else {  // e.g. a worker thread: no environment of ours, keep the host's stdout clean
    std::fprintf(stderr, "[falco-ts worker] %s\n", text.c_str());
  }
  return info.Env().Undefined();
}

Napi::Value RecordError(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  std::string text;
  if (!StringArg(info, 0, &text)) text = "<unknown error>";
  if (env) RecordAsyncError(env, std::move(text));
  return info.Env().Undefined();
}

Napi::Value LoadError(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  std::string text;
  if (!StringArg(info, 0, &text)) text = "<unknown load error>";
  if (env) SetLoadError(env, std::move(text));
  return info.Env().Undefined();
}

// setTickInfo(Uint8Array): Node's tickInfo flags, read by the native drain after each call.
Napi::Value JsSetTickInfo(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  if (env == nullptr || info.Length() < 1 || !info[0].IsTypedArray()) return info.Env().Undefined();
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[0], &type, &length, &data, nullptr, nullptr) == napi_ok &&
      type == napi_uint8_array && length >= 2 && data != nullptr) {
    SetTickInfo(env, static_cast<const uint8_t*>(data));
  }
  return info.Env().Undefined();
}

// bundleSource(): the embedded bundle's source, or undefined when the bundle is a file.
Napi::Value BundleSource(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  if (env == nullptr || env->options().bundle_source.empty()) return info.Env().Undefined();
  const std::string_view source = env->options().bundle_source;
  return Napi::String::New(info.Env(), source.data(), source.size());
}

// bundlePath(): the bundle's absolute path (EnvironmentOptions::bundle_path).
Napi::Value BundlePath(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  if (env == nullptr) return info.Env().Undefined();
  return Napi::String::New(info.Env(), env->options().bundle_path);
}

// bundleCodeCache(): a copy of the bundle's code cache made by the build, or undefined.
Napi::Value BundleCodeCache(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  const CodeCacheStore* store = env != nullptr ? env->impl_for_internal()->code_cache.get() : nullptr;
  const CodeCacheStore::Entry* entry = store != nullptr ? store->Bundle() : nullptr;
  if (entry == nullptr) return info.Env().Undefined();
  return Napi::Buffer<uint8_t>::Copy(info.Env(), entry->data, entry->size);
}

// bundleScriptName(): the name the bundle is compiled under, its file name. Not its path: Node 18's code
// cache keeps the name the cache was made under (the build's), and stack traces must not depend on
// whether the cache was used. A new string (a slice of the path would carry the whole path into a cache).
Napi::Value BundleScriptName(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  if (env == nullptr) return info.Env().Undefined();
  const std::string& path = env->options().bundle_path;
  return Napi::String::New(info.Env(), path.substr(path.rfind('/') + 1));
}

// bundleCompiled(fn, cacheRejected): the bundle's compiled function (recorded when this environment makes
// the code cache with the bundle's, see CodeCacheWriter), and what became of its code cache (true, false,
// or undefined: none given).
Napi::Value BundleCompiled(const Napi::CallbackInfo& info) {
  Environment* env = EnvOf(info);
  if (env == nullptr || info.Length() < 1 || !info[0].IsFunction()) return info.Env().Undefined();
  Environment::Impl* impl = env->impl_for_internal();
  if (info.Length() > 1 && info[1].IsBoolean()) {
    impl->code_cache_stats.bundle = info[1].As<Napi::Boolean>().Value() ? "rejected" : "from the code cache";
  }
  if (impl->code_cache_writer && impl->code_cache_writer->records_bundle()) {
    napi_value fn = info[0];
    v8::Local<v8::Value> value;
    static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "Node-API values are V8 locals");
    std::memcpy(static_cast<void*>(&value), &fn, sizeof fn);
    impl->code_cache_writer->RecordBundle(impl->isolate, value.As<v8::Function>());
  }
  return info.Env().Undefined();
}

}  // namespace

napi_value InitRuntimeBinding(napi_env raw_env, napi_value raw_exports) {
  Napi::Env env(raw_env);
  Napi::Object exports(raw_env, raw_exports);
  env.SetInstanceData(new BindingData{Environment::Current()});
  exports.Set("log", Napi::Function::New(env, Log, "log"));
  exports.Set("recordError", Napi::Function::New(env, RecordError, "recordError"));
  exports.Set("loadError", Napi::Function::New(env, LoadError, "loadError"));
  exports.Set("setTickInfo", Napi::Function::New(env, JsSetTickInfo, "setTickInfo"));
  exports.Set("bundlePath", Napi::Function::New(env, BundlePath, "bundlePath"));
  exports.Set("bundleCodeCache", Napi::Function::New(env, BundleCodeCache, "bundleCodeCache"));
  exports.Set("bundleScriptName", Napi::Function::New(env, BundleScriptName, "bundleScriptName"));
  exports.Set("bundleCompiled", Napi::Function::New(env, BundleCompiled, "bundleCompiled"));
  exports.Set("bundleSource", Napi::Function::New(env, BundleSource, "bundleSource"));
  return exports;
}

}  // namespace rt
}  // namespace falco_ts
