// Calls into JS on the caller's thread: CallScope, argument/result conversion, exception
// formatting, microtask/nextTick draining, awaiting a returned Promise, waking the pump.
#include <poll.h>
#include <pthread.h>

#include <chrono>
#include <climits>
#include <thread>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

constexpr size_t kMaxInlineArgs = 16;

// Native stack kept free below V8's JS stack limit (for V8 runtime functions and Node-API
// callbacks) on threads whose stack is smaller than the JS stack size plus this margin.
constexpr uintptr_t kNativeStackMargin = 96 * 1024;

// Host threads may have less stack than V8's --stack-size assumes. A fresh Locker recomputes the
// JS stack limit as "current position - --stack-size" on every call; on a small thread that
// would be below the real end of the stack, so lower-bound it here (one compare per call on
// normal threads).
inline void AdjustStackLimit(v8::Isolate* isolate, ThreadData& td) {
  if (!td.stack_known) {
    td.stack_known = true;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) td.stack_low = reinterpret_cast<uintptr_t>(addr);
      pthread_attr_destroy(&attr);
    }
  }
  if (td.stack_low == 0) return;
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  constexpr uintptr_t kNeeded = static_cast<uintptr_t>(kJsStackKiB) * 1024 + kNativeStackMargin;
  if (sp - td.stack_low < kNeeded) isolate->SetStackLimit(td.stack_low + kNativeStackMargin);
}

v8::MaybeLocal<v8::Value> ToV8(v8::Isolate* isolate, const Arg& a) {
  switch (a.kind) {
    case Arg::Kind::kUndefined: return v8::Undefined(isolate);
    case Arg::Kind::kNull: return v8::Null(isolate);
    case Arg::Kind::kBool: return v8::Boolean::New(isolate, a.b);
    case Arg::Kind::kInt32: return v8::Integer::New(isolate, a.i32);
    case Arg::Kind::kUint32: return v8::Integer::NewFromUnsigned(isolate, a.u32);
    case Arg::Kind::kDouble: return v8::Number::New(isolate, a.d);
    case Arg::Kind::kInt64: return v8::BigInt::New(isolate, a.i64);
    case Arg::Kind::kUint64: return v8::BigInt::NewFromUnsigned(isolate, a.u64);
    case Arg::Kind::kString:
      if (a.s.len > static_cast<size_t>(v8::String::kMaxLength)) return {};
      {
        v8::Local<v8::String> str;
        if (!v8::String::NewFromUtf8(isolate, a.s.ptr, v8::NewStringType::kNormal, static_cast<int>(a.s.len))
                 .ToLocal(&str)) {
          return {};
        }
        return str;
      }
  }
  return v8::Undefined(isolate);
}

// Copies a JS string as UTF-8 into `out`, reusing its capacity.
void CopyUtf8(v8::Isolate* isolate, v8::Local<v8::String> s, std::string& out) {
  const int len = s->Length();
  if (len == 0) {
    out.clear();
    return;
  }
  // Upper bound: 3 UTF-8 bytes per UTF-16 unit (surrogate pairs: 4 bytes for 2 units).
  const size_t max = static_cast<size_t>(len) * 3;
  if (out.capacity() < max) out.reserve(max);
  out.resize(max);
  const int written = s->WriteUtf8(isolate, out.data(), static_cast<int>(max), nullptr,
                                   v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  out.resize(static_cast<size_t>(written));
}

const char* TypeName(v8::Local<v8::Value> v) {
  if (v->IsUndefined()) return "undefined";
  if (v->IsNull()) return "null";
  if (v->IsString()) return "string";
  if (v->IsNumber()) return "number";
  if (v->IsBigInt()) return "bigint";
  if (v->IsBoolean()) return "boolean";
  if (v->IsSymbol()) return "symbol";
  if (v->IsFunction()) return "function";
  return "object";
}

bool Convert(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> v, Want want,
             Result& r) {
  switch (want) {
    case Want::kVoid:
      return true;
    case Want::kNumber:
    case Want::kInt64:
      if (v->IsNumber()) {
        r.number = v.As<v8::Number>()->Value();
        r.i64 = static_cast<int64_t>(r.number);
      } else if (v->IsBigInt()) {
        bool lossless = true;
        r.i64 = v.As<v8::BigInt>()->Int64Value(&lossless);
        if (!lossless) {
          const uint64_t u = v.As<v8::BigInt>()->Uint64Value(&lossless);
          if (lossless) r.i64 = static_cast<int64_t>(u);  // caller may read it as uint64_t
        }
        r.number = static_cast<double>(r.i64);
      } else if (v->IsBoolean()) {
        r.boolean = v->IsTrue();
        r.number = r.boolean ? 1 : 0;
        r.i64 = r.boolean ? 1 : 0;
      } else {
        r.error = "expected a number, got ";
        r.error += TypeName(v);
        return false;
      }
      return true;
    case Want::kBool:
      r.boolean = v->BooleanValue(isolate);
      return true;
    case Want::kString: {
      v8::Local<v8::String> s;
      if (v->IsString()) {
        s = v.As<v8::String>();
      } else {
        v8::TryCatch try_catch(isolate);
        if (!v->ToString(context).ToLocal(&s)) {
          if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
            Environment::FormatException(isolate, context, try_catch, &r.error);
          } else {
            r.error = "cannot convert the result to a string";
          }
          return false;
        }
      }
      CopyUtf8(isolate, s, r.str);
      return true;
    }
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------------------------

void FormatThrown(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                  v8::Local<v8::Message> message, std::string* out) {
  out->clear();
  v8::TryCatch inner(isolate);  // reading .stack or String(value) may run (and throw in) JS
  std::string stack;
  if (value->IsObject()) {
    v8::Local<v8::Value> s;
    if (value.As<v8::Object>()->Get(context, v8::String::NewFromUtf8Literal(isolate, "stack")).ToLocal(&s) &&
        s->IsString()) {
      CopyUtf8(isolate, s.As<v8::String>(), stack);
    }
  }
  if (!stack.empty()) {
    const size_t at = stack.find("\n    at ");
    if (at == std::string::npos) {
      *out = stack;
    } else {
      size_t end = stack.find('\n', at + 1);
      if (end == std::string::npos) end = stack.size();
      std::string frame = stack.substr(at + 8, end - (at + 8));
      while (!frame.empty() && (frame.back() == ' ' || frame.back() == '\r')) frame.pop_back();
      out->assign(stack, 0, at);
      *out += " (at ";
      *out += frame;
      *out += ")";
    }
    return;
  }
  v8::Local<v8::String> str;
  if (value->ToString(context).ToLocal(&str)) {
    CopyUtf8(isolate, str, *out);
  } else {
    *out = "<unprintable exception>";
  }
  if (!message.IsEmpty()) {
    v8::Local<v8::Value> name = message->GetScriptResourceName();
    const int line = message->GetLineNumber(context).FromMaybe(0);
    if (!name.IsEmpty() && name->IsString() && line > 0) {
      std::string file;
      CopyUtf8(isolate, name.As<v8::String>(), file);
      *out += " (at " + file + ":" + std::to_string(line) + ")";
    }
  }
}

void Environment::FormatException(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& tc,
                                  std::string* out) {
  if (tc.HasTerminated()) {
    *out = "JavaScript execution was terminated";
    return;
  }
  if (!tc.HasCaught()) {
    *out = "unknown JavaScript error";
    return;
  }
  FormatThrown(isolate, context, tc.Exception(), tc.Message(), out);
}

// ---------------------------------------------------------------------------------------------
// CallScope
// ---------------------------------------------------------------------------------------------

// A host thread that calls an environment keeps, until it exits or the environment is destroyed,
// a Locker with an Unlocker inside it. V8 then treats each later Locker of this thread as a
// nested one: it restores the lazily archived thread state (cheap) instead of initialising the
// thread and freeing its resources on every call (about a third of a call's instructions).
// Wasm code GC is off (process.cc), since it cannot run while a thread is parked. The thread that
// destroys an environment unparks first (Environment::~Environment).
namespace {

struct ParkedThread {
  uint64_t env_id;
  v8::Isolate* isolate;
  v8::Locker* locker;
  v8::Unlocker* unlocker;
};

// A thread that exits while parked leaves its archived state to the isolate, which frees it when
// it is disposed: unparking at thread exit could block on the isolate's lock during process exit.
struct ParkedThreads {
  std::vector<ParkedThread> entries;
};

ParkedThreads& Parked() {
  thread_local ParkedThreads parked;
  return parked;
}

// The environment this thread parked on most recently: the common case answers without a search.
thread_local uint64_t t_last_parked = 0;

}  // namespace

void UnparkCurrentThread(uint64_t env_id) {
  if (t_last_parked == env_id) t_last_parked = 0;
  auto& entries = Parked().entries;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->env_id == env_id) {
      delete it->unlocker;
      delete it->locker;
      entries.erase(it);
      return;
    }
  }
}

CallScope::Parking::Parking(Environment& env) {
  Environment::Impl* impl = env.impl_for_internal();
  if (!impl->park_threads || impl->id == t_last_parked) return;
  if (v8::Locker::IsLocked(impl->isolate)) return;  // nested: already locked
  for (const ParkedThread& p : Parked().entries) {
    if (p.env_id == impl->id) {
      t_last_parked = impl->id;
      return;
    }
  }
  auto* locker = new v8::Locker(impl->isolate);
  auto* unlocker = new v8::Unlocker(impl->isolate);
  Parked().entries.push_back({impl->id, impl->isolate, locker, unlocker});
  t_last_parked = impl->id;
}

CallScope::CallScope(Environment& env)
    : env_(env),
      isolate_(env.impl_->isolate),
      parking_(env),
      locker_(isolate_),
      isolate_scope_(isolate_),
      handle_scope_(isolate_),
      context_(env.impl_->context.Get(isolate_)),
      context_scope_(context_),
      thread_(&CurrentThreadData()),
      previous_(thread_->current) {
  thread_->current = &env;
  AdjustStackLimit(isolate_, *thread_);
}

CallScope::~CallScope() {
  env_.AfterJs();
  thread_->current = previous_;
}

bool LoopHasWork(uv_loop_t* loop) {
  // uv_loop_alive() without the anchor: Node's own "would the process exit now" rule. Unref'd
  // timers (V8's delayed platform tasks, timer.unref()) do not count, as in Node.
  return loop->active_handles > 1 /* the anchor */ || loop->active_reqs.count > 0 || loop->closing_handles != nullptr;
}

int64_t LoopNextDeadline(uv_loop_t* loop) {
  if (!uv_loop_alive(loop)) return INT64_MAX;
  const int timeout = uv_backend_timeout(loop);
  if (timeout < 0) return INT64_MAX;
  return static_cast<int64_t>(uv_now(loop)) + timeout;
}

// Under the Locker, after JS ran on a host thread: the pump sleeps until its own deadline (or
// forever); wake it only if the JS just made the loop need attention sooner.
void Environment::AfterJs() {
  Pump* pump = impl_->pump.get();
  if (pump == nullptr || impl_->uv_run_depth.load(std::memory_order_relaxed) > 0 ||
      impl_->dead.load(std::memory_order_relaxed)) {
    return;
  }
  uv_loop_t* loop = impl_->loop;
  if (LoopHasPendingWatchers(loop)) {  // new fds: only uv_run registers them with epoll
    pump->Wake();
    return;
  }
  if (LoopNextDeadline(loop) < pump->deadline()) pump->Wake();
}

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

namespace {

std::string TimeLimitError(int limit_ms) {
  return "did not finish within " + std::to_string(limit_ms) + " ms and was stopped";
}

bool DeadError(Environment::Impl* impl, Result& r) {
  if (impl->out_of_memory.load()) {
    r.out_of_memory = true;
    r.error = "reached the heap limit" +
              (impl->heap_limit_mib > 0 ? " of " + std::to_string(impl->heap_limit_mib) + " MiB" : std::string()) +
              ": the plugin state is stopped";
    return false;
  }
  const int code = impl->exit_code.load();
  if (code >= 0) {
    r.error = "the plugin's JavaScript environment has exited (process.exit(" + std::to_string(code) + "))";
  } else {
    r.error = "the plugin's JavaScript environment is stopped";
  }
  return false;
}

// Runs the environment's loop on this thread until `promise` settles (like uv_run(UV_RUN_ONCE)
// in a loop, with an optional deadline). The caller holds the Locker.
bool AwaitPromise(Environment::Impl* impl, v8::Isolate* isolate, v8::Local<v8::Promise> promise,
                  const CallOptions& opts, bool can_unlock, Result& r) {
  uv_loop_t* loop = impl->loop;
  const int await_ms = opts.await_timeout_ms >= 0 ? opts.await_timeout_ms : opts.time_limit_ms;
  const bool limited = await_ms >= 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limited ? await_ms : 0);
  if (impl->uv_run_depth.load() > 0) {
    r.error = "cannot await a Promise from inside the environment's own event loop (re-entrant call)";
    return false;
  }
  while (promise->State() == v8::Promise::kPending) {
    if (impl->dead.load()) return DeadError(impl, r);
    if (impl->watch_deadline.load(std::memory_order_relaxed) == kWatchFiring) return false;  // timed out
    if (!LoopHasWork(loop)) {
      // Background platform tasks (e.g. WebAssembly compilation) may still settle it.
      abi1::SharedProcessState().platform->DrainTasks(isolate);
      if (promise->State() != v8::Promise::kPending) break;
      if (!LoopHasWork(loop)) {
        r.error = "the returned Promise can never settle: nothing is pending on the event loop";
        return false;
      }
    }
    int timeout = LoopHasPendingWatchers(loop) ? 0 : uv_backend_timeout(loop);
    if (limited) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        if (opts.await_timeout_ms < 0) {  // the call's own time limit: the same failure as the watchdog's
          r.timed_out = true;
          r.error = TimeLimitError(opts.time_limit_ms);
        } else {
          r.error = "timed out after " + std::to_string(await_ms) + " ms waiting for the returned Promise";
        }
        return false;
      }
      if (timeout < 0 || timeout > left) timeout = static_cast<int>(left);
    }
    if (timeout != 0) {
      struct pollfd pfd = {uv_backend_fd(loop), POLLIN, 0};
      if (can_unlock) {
        // No JS of this isolate on our stack: let other threads (and the pump, which may then
        // process the very event we wait for) use the environment meanwhile. If the pump
        // consumes that event before we start polling, nothing wakes us: bound the wait.
        constexpr int kUnlockedPollMs = 20;
        if (timeout < 0 || timeout > kUnlockedPollMs) timeout = kUnlockedPollMs;
        v8::Unlocker unlocker(isolate);
        (void)poll(&pfd, 1, timeout);
      } else {
        (void)poll(&pfd, 1, timeout);
      }
      if (impl->dead.load()) return DeadError(impl, r);
      if (promise->State() != v8::Promise::kPending) break;
    }
    impl->uv_run_depth.fetch_add(1);
    uv_run(loop, UV_RUN_NOWAIT);
    impl->uv_run_depth.fetch_sub(1);
  }
  return true;
}

}  // namespace

bool Environment::Call(FunctionId fn, const Arg* args, size_t argc, Want want, Result& r,
                       const CallOptions& opts) {
  r.ok = false;
  if (impl_->dead.load(std::memory_order_relaxed)) return DeadError(impl_.get(), r);
  CallScope scope(*this);
  if (fn < 0 || static_cast<size_t>(fn) >= impl_->functions.size()) {
    r.error = "no such function (FunctionId " + std::to_string(fn) + ")";
    return false;
  }
  if (argc > kMaxInlineArgs) {
    r.error = "too many arguments";
    return false;
  }
  v8::Isolate* isolate = scope.isolate();
  v8::Local<v8::Value> argv[kMaxInlineArgs];
  for (size_t i = 0; i < argc; ++i) {
    if (!ToV8(isolate, args[i]).ToLocal(&argv[i])) {
      r.error = "cannot convert argument " + std::to_string(i) + " (string too long?)";
      return false;
    }
  }
  return CallValue(scope, impl_->functions[fn].Get(isolate), impl_->exports.Get(isolate), static_cast<int>(argc),
                   argv, want, r, opts);
}

namespace {

// Arms the watchdog for a top-level call with a time limit; on destruction takes the deadline back
// and, when the watchdog fired, cancels the termination and turns the call into a timeout.
// Counts a call into the environment's JavaScript for as long as it runs.
class CallDepth {
 public:
  explicit CallDepth(Environment::Impl* impl) : impl_(impl), outermost_(impl->call_depth++ == 0) {}
  ~CallDepth() { --impl_->call_depth; }
  bool outermost() const { return outermost_; }
  CallDepth(const CallDepth&) = delete;
  CallDepth& operator=(const CallDepth&) = delete;

 private:
  Environment::Impl* impl_;
  bool outermost_;
};

class WatchedCall {
 public:
  WatchedCall(Environment::Impl* impl, const CallOptions& opts, bool outermost, Result& r)
      : impl_(opts.time_limit_ms >= 0 && outermost ? impl : nullptr), limit_ms_(opts.time_limit_ms), r_(r) {
    if (impl_ != nullptr) impl_->watch_deadline.store(WatchDeadlineAfter(limit_ms_), std::memory_order_release);
  }
  ~WatchedCall() {
    if (impl_ == nullptr) return;
    if (impl_->watch_deadline.exchange(0, std::memory_order_acq_rel) != kWatchFiring) return;
    while (!impl_->watch_terminated.load(std::memory_order_acquire)) std::this_thread::yield();
    impl_->watch_terminated.store(false, std::memory_order_relaxed);
    impl_->isolate->CancelTerminateExecution();
    r_.ok = false;
    r_.timed_out = true;
    r_.error = TimeLimitError(limit_ms_);
  }
  WatchedCall(const WatchedCall&) = delete;
  WatchedCall& operator=(const WatchedCall&) = delete;

 private:
  Environment::Impl* impl_;
  int limit_ms_;
  Result& r_;
};

}  // namespace

bool Environment::CallValue(CallScope& scope, v8::Local<v8::Function> fn, v8::Local<v8::Value> recv, int argc,
                            v8::Local<v8::Value>* argv, Want want, Result& r, const CallOptions& opts,
                            v8::Local<v8::Value>* out_value) {
  r.ok = false;
  r.timed_out = false;
  r.out_of_memory = false;
  Impl* impl = impl_.get();
  if (impl->dead.load(std::memory_order_relaxed)) return DeadError(impl, r);
  bool ok = false;
  {
    CallDepth depth(impl);
    WatchedCall watched(impl, opts, depth.outermost(), r);
    ok = CallValueUnwatched(scope, fn, recv, argc, argv, want, r, opts, out_value);
  }
  if (impl->out_of_memory.load()) {
    r.ok = false;
    r.timed_out = false;
    return DeadError(impl, r);
  }
  return ok && !r.timed_out;
}

bool Environment::CallValueUnwatched(CallScope& scope, v8::Local<v8::Function> fn, v8::Local<v8::Value> recv,
                                     int argc, v8::Local<v8::Value>* argv, Want want, Result& r,
                                     const CallOptions& opts, v8::Local<v8::Value>* out_value) {
  Impl* impl = impl_.get();
  v8::Isolate* isolate = scope.isolate();
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Value> value;
  bool threw = false;

  auto invoke = [&]() {
    v8::TryCatch try_catch(isolate);
    if (!fn->Call(context, recv, argc, argv).ToLocal(&value)) {
      threw = true;
      if (try_catch.HasTerminated() && impl->dead.load()) {
        DeadError(impl, r);
      } else {
        FormatException(isolate, context, try_catch, &r.error);
      }
      return;
    }
    // A Promise we are going to await is handled by us: attach a real rejection handler before
    // microtasks run, so Node never reports it as an unhandled rejection (also when it was
    // already rejected synchronously: attaching a handler then retracts Node's pending report).
    if (opts.await_promise && value->IsPromise()) {
      v8::Local<v8::Promise> derived;
      if (!value.As<v8::Promise>()->Catch(context, impl->noop.Get(isolate)).ToLocal(&derived)) {
        // only fails on termination; the await below reports it
      }
    }
  };

  DrainMode drain = options_.drain;
  if (drain == DrainMode::kAuto && impl->tick_info == nullptr) drain = DrainMode::kCallbackScope;
  switch (drain) {
    case DrainMode::kAuto: {
      invoke();
      const volatile uint8_t* ti = impl->tick_info;
      if ((ti[0] | ti[1]) == 0) isolate->PerformMicrotaskCheckpoint();
      if ((ti[0] | ti[1]) != 0 && !impl->dead.load(std::memory_order_relaxed)) {
        // nextTicks / rejection reports pending: the empty scope's close runs Node's
        // processTicksAndRejections (ticks, microtasks, 'unhandledRejection').
        node::CallbackScope drain_scope(isolate, impl->callback_resource.Get(isolate), {0, 0});
      }
      break;
    }
    case DrainMode::kCallbackScope: {
      // Drains microtasks, the nextTick queue and pending unhandled-rejection reports when it
      // closes, exactly like Node's MakeCallback. Our TryCatch inside it keeps JS exceptions of
      // the call itself away from Node's uncaught-exception path.
      node::CallbackScope callback_scope(isolate, impl->callback_resource.Get(isolate), {0, 0});
      invoke();
      break;
    }
    case DrainMode::kMicrotasks:
      invoke();
      if (!threw) isolate->PerformMicrotaskCheckpoint();
      break;
    case DrainMode::kNone:
      invoke();
      break;
  }
  if (threw) return false;

  if (opts.await_promise && value->IsPromise()) {
    v8::Local<v8::Promise> promise = value.As<v8::Promise>();
    if (!AwaitPromise(impl, isolate, promise, opts, impl->call_depth == 1, r)) return false;
    if (promise->State() == v8::Promise::kRejected) {
      FormatThrown(isolate, context, promise->Result(), v8::Local<v8::Message>(), &r.error);
      return false;
    }
    value = promise->Result();
  }
  if (out_value != nullptr) *out_value = value;
  if (!Convert(isolate, context, value, want, r)) return false;
  r.ok = true;
  return true;
}

}  // namespace rt
}  // namespace falco_ts
