// Test library embedding the runtime: a thin C wrapper the driver loads with dlopen(RTLD_LOCAL).
#include "test_plugin.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "falco_ts/runtime.h"

#include <v8.h>

#ifndef TP_NAME
#define TP_NAME "test"
#endif

#define TP_EXPORT extern "C" __attribute__((visibility("default")))

using namespace falco_ts::rt;

namespace {

struct Handle {
  std::unique_ptr<Environment> env;
  tp_log_fn log = nullptr;
  void* user = nullptr;
  Result result;
};

void Copy(const std::string& s, char* out, size_t cap) {
  if (out == nullptr || cap == 0) return;
  std::snprintf(out, cap, "%s", s.c_str());
}

void ForwardLog(void* user, Severity sev, const char* msg, size_t len) {
  auto* h = static_cast<Handle*>(user);
  if (h->log) h->log(h->user, static_cast<int>(sev), msg, len);
}

}  // namespace

TP_EXPORT const char* tp_name(void) { return TP_NAME; }
TP_EXPORT int tp_init_count(void) { return ProcessInitCount(); }
TP_EXPORT const void* tp_state_addr(void) { return ProcessStateAddress(); }
TP_EXPORT double tp_process_init_ms(void) { return ProcessInitMs(); }

TP_EXPORT void* tp_create(const char* bundle, tp_log_fn log, void* user, int drain, char* err, size_t errlen) {
  auto h = std::make_unique<Handle>();
  h->log = log;
  h->user = user;
  EnvironmentOptions o;
  o.bundle_path = bundle;
  o.log = ForwardLog;
  o.log_user = h.get();
  o.drain = drain == TP_DRAIN_MICROTASKS      ? DrainMode::kMicrotasks
            : drain == TP_DRAIN_NONE           ? DrainMode::kNone
            : drain == TP_DRAIN_CALLBACK_SCOPE ? DrainMode::kCallbackScope
                                               : DrainMode::kAuto;
  std::string error;
  h->env = Environment::Create(o, &error);
  if (!h->env) {
    Copy(error, err, errlen);
    return nullptr;
  }
  return h.release();
}

TP_EXPORT void tp_destroy(void* p) { delete static_cast<Handle*>(p); }
TP_EXPORT double tp_startup_ms(void* p) { return static_cast<Handle*>(p)->env->startup_ms(); }
TP_EXPORT int tp_alive(void* p) { return static_cast<Handle*>(p)->env->alive() ? 1 : 0; }
TP_EXPORT int tp_exit_code(void* p) { return static_cast<Handle*>(p)->env->exit_code(); }
TP_EXPORT void tp_force_stop(void* p) { static_cast<Handle*>(p)->env->ForceStop(); }
TP_EXPORT int tp_effective_drain(void* p) {
  switch (static_cast<Handle*>(p)->env->effective_drain()) {
    case DrainMode::kAuto: return TP_DRAIN_AUTO;
    case DrainMode::kCallbackScope: return TP_DRAIN_CALLBACK_SCOPE;
    case DrainMode::kMicrotasks: return TP_DRAIN_MICROTASKS;
    case DrainMode::kNone: return TP_DRAIN_NONE;
  }
  return -1;
}

TP_EXPORT int tp_call(void* p, const char* fn, const tp_arg* args, int argc, int want, double* num, char* out,
                      size_t cap, int timeout_ms) {
  auto* h = static_cast<Handle*>(p);
  Result r;  // per call here: calls may come from several threads at once
  FunctionId id = h->env->Function(fn);
  if (id < 0 && h->env->alive()) {
    Copy(std::string("no function ") + fn, out, cap);
    return 0;
  }
  Arg a[16];
  if (argc > 16) argc = 16;
  for (int i = 0; i < argc; ++i) {
    if (args[i].kind == TP_ARG_STRING) {
      a[i] = Arg::String(args[i].str);
    } else if (args[i].kind == TP_ARG_BIGUINT64) {
      a[i] = Arg::BigUint64(static_cast<uint64_t>(args[i].num));
    } else {
      a[i] = Arg::Double(args[i].num);
    }
  }
  CallOptions opts;
  opts.await_timeout_ms = timeout_ms;
  Want w = want == TP_WANT_NUMBER ? Want::kNumber : want == TP_WANT_STRING ? Want::kString : Want::kVoid;
  if (!h->env->Call(id, a, static_cast<size_t>(argc), w, r, opts)) {
    Copy(r.error, out, cap);
    return 0;
  }
  if (num) *num = r.number;
  if (want == TP_WANT_STRING) Copy(r.str, out, cap);
  return 1;
}

TP_EXPORT int tp_pop_async_error(void* p, char* out, size_t cap) {
  std::string s;
  if (!static_cast<Handle*>(p)->env->PopAsyncError(&s)) return 0;
  Copy(s, out, cap);
  return 1;
}

TP_EXPORT double tp_bench(void* p, const char* fn, long n, int want) {
  auto* h = static_cast<Handle*>(p);
  FunctionId id = h->env->Function(fn);
  if (id < 0) return -1;
  Result& r = h->result;
  const Want w = want == TP_WANT_STRING ? Want::kString : want == TP_WANT_NUMBER ? Want::kNumber : Want::kVoid;
  // Warm-up (lets V8 optimise the function), then measure.
  for (long i = 0; i < 20000; ++i) {
    Arg a = Arg::Int32(static_cast<int32_t>(i));
    if (!h->env->Call(id, &a, 1, w, r)) return -2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    Arg a = Arg::Int32(static_cast<int32_t>(i));
    if (!h->env->Call(id, &a, 1, w, r)) return -2;
  }
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n);
}

// Baseline for tp_bench: the bare minimum per call (Locker, scopes, TryCatch, Function::Call,
// number result) without the runtime's bookkeeping.
TP_EXPORT double tp_bench_raw(void* p, const char* fn, long n) {
  auto* h = static_cast<Handle*>(p);
  Environment& env = *h->env;
  v8::Isolate* isolate = env.isolate();
  v8::Global<v8::Function> f;
  v8::Global<v8::Context> ctx;
  {
    CallScope scope(env);
    v8::Local<v8::Value> v;
    if (!env.exports()->Get(scope.context(), v8::String::NewFromUtf8(isolate, fn).ToLocalChecked()).ToLocal(&v) ||
        !v->IsFunction()) {
      return -1;
    }
    f.Reset(isolate, v.As<v8::Function>());
    ctx.Reset(isolate, scope.context());
  }
  auto once = [&](long i) {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = ctx.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> arg = v8::Integer::New(isolate, static_cast<int32_t>(i));
    v8::Local<v8::Value> r;
    if (!f.Get(isolate)->Call(context, v8::Undefined(isolate), 1, &arg).ToLocal(&r)) return false;
    return r->IsNumber();
  };
  for (long i = 0; i < 20000; ++i) once(i);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    if (!once(i)) return -2;
  }
  const auto t1 = std::chrono::steady_clock::now();
  {
    v8::Locker locker(isolate);
    f.Reset();
    ctx.Reset();
  }
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n);
}
