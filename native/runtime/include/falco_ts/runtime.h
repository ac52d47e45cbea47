// Embedded Node.js runtime core of the Falco TypeScript plugin SDK.
//
// One Node runtime per process (shared by every plugin library built with this SDK, even when
// several are loaded RTLD_LOCAL into one host), one node::Environment per plugin state, JS calls
// made on the caller's thread, and one pump thread per environment that keeps the libuv loop
// running while the host is busy elsewhere. See native/runtime/README.md for the design,
// lifetime rules and thread rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <node_api.h>  // napi_addon_register_func
#include <node_version.h>
#include <v8.h>

// The runtime is built for Debian's libnode108 (Node 18). Other Node headers on the include
// path (e.g. cmake-js' CMAKE_JS_INC for the developer's Node 20) must not be used with it.
static_assert(NODE_MAJOR_VERSION == 18 && NODE_MODULE_VERSION == 108,
              "falco_ts runtime: compile against libnode108's headers (libnode-dev 18), not another Node's");

struct uv_loop_s;
namespace node {
class Environment;
class CommonEnvironmentSetup;
}  // namespace node

namespace falco_ts {
namespace rt {

// Same numbering as ss_plugin_log_severity of the Falco plugin API (so it can be passed through).
enum class Severity : int {
  kFatal = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
  kTrace = 8,
};

// Receives console output and runtime diagnostics. `msg` is UTF-8, not NUL-terminated, without
// a trailing newline. Called on whatever thread runs JS (a host thread or the pump thread); the
// callee must be thread-safe. Never called after Environment::~Environment returned.
using LogFn = void (*)(void* user, Severity severity, const char* msg, size_t len);

// ---------------------------------------------------------------------------------------------
// Per-process runtime (lazy, once, never torn down)
// ---------------------------------------------------------------------------------------------

// Initialises Node for the whole process on first use (thread-safe; later calls are cheap).
// Returns false (and sets *error) when initialisation failed; it is never retried.
bool EnsureProcessRuntime(std::string* error);

// How many times node::InitializeOncePerProcess was called in this process (all libraries).
// 0 before the first environment, then 1 forever: proves that libraries share the runtime.
int ProcessInitCount();

// True once the process has started exiting (exit() or a return from main): destructors then run
// in an order where Node and V8 may already be torn down, so environments are abandoned instead
// of destroyed (a host that destroys its plugins from static destructors must not crash).
bool ProcessIsExiting();

// Address of the process-wide runtime state (equal in every library when it is shared).
const void* ProcessStateAddress();

// Milliseconds spent in node::InitializeOncePerProcess (0 before it ran).
double ProcessInitMs();

// ---------------------------------------------------------------------------------------------
// Arguments and results
// ---------------------------------------------------------------------------------------------

struct Arg {
  enum class Kind : uint8_t { kUndefined, kNull, kBool, kInt32, kUint32, kDouble, kInt64, kUint64, kString };
  Kind kind = Kind::kUndefined;
  union {
    bool b;
    int32_t i32;
    uint32_t u32;
    double d;
    int64_t i64;   // passed as BigInt
    uint64_t u64;  // passed as BigInt
    struct {
      const char* ptr;  // UTF-8; need not be NUL-terminated
      size_t len;
    } s;
  };
  Arg() : d(0) {}
  static Arg Undefined() { return Arg(); }
  static Arg Null() { Arg a; a.kind = Kind::kNull; return a; }
  static Arg Bool(bool v) { Arg a; a.kind = Kind::kBool; a.b = v; return a; }
  static Arg Int32(int32_t v) { Arg a; a.kind = Kind::kInt32; a.i32 = v; return a; }
  static Arg Uint32(uint32_t v) { Arg a; a.kind = Kind::kUint32; a.u32 = v; return a; }
  static Arg Double(double v) { Arg a; a.kind = Kind::kDouble; a.d = v; return a; }
  static Arg BigInt64(int64_t v) { Arg a; a.kind = Kind::kInt64; a.i64 = v; return a; }
  static Arg BigUint64(uint64_t v) { Arg a; a.kind = Kind::kUint64; a.u64 = v; return a; }
  static Arg String(std::string_view v) { Arg a; a.kind = Kind::kString; a.s = {v.data(), v.size()}; return a; }
};

// What the caller wants back. A returned Promise is awaited (see CallOptions) before conversion.
enum class Want : uint8_t {
  kVoid,    // ignore the value
  kNumber,  // number, BigInt (converted to double) or boolean (0/1) -> Result::number
  kInt64,   // number or BigInt -> Result::i64 (and Result::number)
  kBool,    // JS truthiness -> Result::boolean
  kString,  // string; other values are converted with String(v) -> Result::str
};

// Reusable result holder. Reuse one per caller (per plugin state / per thread): after warm-up a
// call does not allocate on the C++ heap as long as the string fits the capacity already reached.
struct Result {
  bool ok = false;
  double number = 0;
  int64_t i64 = 0;
  bool boolean = false;
  std::string str;    // UTF-8 result for Want::kString
  std::string error;  // "<Error name>: <message> (at <first stack frame>)" when !ok
  bool timed_out = false;  // the call ran past CallOptions::time_limit_ms and its JS was stopped
  bool out_of_memory = false;  // the environment reached its heap limit: it is stopped for good
  Result() { str.reserve(256); error.reserve(256); }
};

struct CallOptions {
  // A returned Promise: run the environment's loop on this thread until it settles. While it
  // waits for I/O or timers, a top-level call releases the Locker (other threads and the pump
  // keep using the environment); a nested call (JS -> native -> this call) keeps it.
  bool await_promise = true;
  int await_timeout_ms = -1;  // -1: no limit; otherwise fail with a timeout error
  // -1: no limit. Otherwise a top-level call still running after this many milliseconds (an endless
  // loop, a Promise that never settles) has its JavaScript terminated by the watchdog and fails with
  // Result::timed_out; the environment stays usable. Also bounds the await when await_timeout_ms is -1.
  int time_limit_ms = -1;
};

// ---------------------------------------------------------------------------------------------
// Environment: one per plugin state
// ---------------------------------------------------------------------------------------------

// How pending microtasks / process.nextTick callbacks are drained after each call (Node itself
// does it when a native callback returns to the loop; a raw V8 call does not).
enum class DrainMode : uint8_t {
  kAuto,           // isolate->PerformMicrotaskCheckpoint(), plus the full node::CallbackScope
                   // drain only when Node's tickInfo flags say a nextTick is scheduled or a
                   // rejection must be reported. Same observable semantics as kCallbackScope,
                   // much cheaper (default). Falls back to kCallbackScope if the flags are
                   // unavailable.
  kCallbackScope,  // node::CallbackScope around every call, like Node's MakeCallback
  kMicrotasks,     // PerformMicrotaskCheckpoint() only: nextTicks and unhandled-rejection
                   // reports wait for the next loop callback (benchmarking)
  kNone,           // nothing (benchmarking only)
};

struct LinkedBinding {
  const char* name;               // JS: process._linkedBinding(name)
  napi_addon_register_func init;  // Node-API module initialiser; Environment::Current() is set
};

struct EnvironmentOptions {
  std::string bundle_path;  // absolute path of the CommonJS bundle; its module.exports is used
  // The bundle's source, when it is embedded in the library instead of read from bundle_path (which
  // then only names it for module resolution and stack traces). Must outlive the environment.
  std::string_view bundle_source;
  LogFn log = nullptr;      // console / diagnostics sink; nullptr: write to the host's stderr
  void* log_user = nullptr;
  std::vector<LinkedBinding> bindings;  // extra Node-API bindings for the plugin layer
  std::vector<std::string> argv;        // appended to process.argv
  bool pump = true;                     // run the background loop-pump thread
  DrainMode drain = DrainMode::kAuto;
  // Keep each host thread's V8 thread state between calls instead of setting it up and freeing it
  // on every call (about a third of the cost of a short call). Turns off wasm code GC.
  bool park_host_threads = true;
  size_t max_async_errors = 64;  // recorded uncaught errors kept (oldest dropped first)
  // V8 code caches of Node's builtins and of this bundle, as `falco-plugin build` makes them (see
  // src/code_cache.cc); empty: none. Must outlive the environment. A blob made by another libnode build,
  // V8 version or flags, or for another bundle is ignored, and so is any entry V8 rejects: the
  // environment then compiles from source.
  std::string_view code_cache;
  // `code_cache` is a read-only file mapping: after an environment has started, the runtime drops its
  // pages from memory (they are read from the file again when another environment starts).
  bool code_cache_mapped = false;
  // The environment's JavaScript heap limit in MiB (0: V8's default). Reaching it stops the
  // environment's JavaScript (the call fails with Result::out_of_memory; later calls fail fast)
  // instead of aborting the process.
  size_t heap_limit_mib = 0;
};

class Environment;
struct ThreadData;

// RAII scope for running JS of `env` on the current thread: Locker -> Isolate::Scope ->
// HandleScope -> Context::Scope (the TryCatch is per call, see Environment::Call). While alive,
// the isolate belongs to this thread; other threads calling the same environment wait. After the
// JS work the destructor wakes the pump thread if the loop now needs attention sooner.
class CallScope {
 public:
  explicit CallScope(Environment& env);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  v8::Isolate* isolate() const { return isolate_; }
  v8::Local<v8::Context> context() const { return context_; }
  // True when this thread already ran JS (of any environment) when the scope was entered.
  bool nested() const { return previous_ != nullptr; }

 private:
  // Keeps this thread "parked" on the isolate between calls (see ParkThread in call.cc): the
  // Locker below then restores a lazily archived thread state instead of setting the thread up
  // and freeing it on every call.
  struct Parking {
    explicit Parking(Environment& env);
  };
  Environment& env_;
  v8::Isolate* isolate_;
  Parking parking_;
  v8::Locker locker_;
  v8::Isolate::Scope isolate_scope_;
  v8::HandleScope handle_scope_;
  v8::Local<v8::Context> context_;
  v8::Context::Scope context_scope_;
  ThreadData* thread_;
  Environment* previous_;
};

// Index of a JS function taken from the bundle's exports (Environment::Function).
using FunctionId = int;

class Environment {
 public:
  // Creates the environment, loads the bundle and starts the pump. On failure returns nullptr
  // and sets *error (the bundle's load error included). Must not be called from a thread that
  // is currently running JS of another environment.
  static std::unique_ptr<Environment> Create(const EnvironmentOptions& options, std::string* error);

  // Stops the pump, emits 'exit', stops and frees the environment. Must not run concurrently
  // with calls on this environment.
  ~Environment();

  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Looks up exports[name] and keeps a v8::Global to it. Returns -1 if it is not a function.
  // Cheap after the first lookup of a name (cached). Thread-safe.
  FunctionId Function(const char* name);

  // Calls a function with `args` (this = the exports object) and converts its value (awaiting
  // a returned Promise unless disabled). Never throws, never reaches Node's fatal path: a JS
  // exception, termination or exit becomes r.error. Thread-safe (calls are serialised per
  // environment by the Locker); `r` belongs to the caller.
  bool Call(FunctionId fn, const Arg* args, size_t argc, Want want, Result& r,
            const CallOptions& opts = CallOptions());
  bool Call(FunctionId fn, std::initializer_list<Arg> args, Want want, Result& r,
            const CallOptions& opts = CallOptions()) {
    return Call(fn, args.begin(), args.size(), want, r, opts);
  }

  // Convenience for single-threaded users: a Result owned by the environment. Only valid while a
  // single thread uses this environment (e.g. per-state calls the host makes sequentially).
  Result& SharedResult() { return shared_result_; }

  // Same as Call, for use inside an existing CallScope with a function value of your own.
  bool CallValue(CallScope& scope, v8::Local<v8::Function> fn, v8::Local<v8::Value> recv, int argc,
                 v8::Local<v8::Value>* argv, Want want, Result& r, const CallOptions& opts = CallOptions(),
                 v8::Local<v8::Value>* out_value = nullptr);

  // False after JS called process.exit() (or after a fatal runtime error): every later call
  // fails with an error naming the exit code.
  bool alive() const;
  int exit_code() const;  // -1 while alive

  // Uncaught exceptions / unhandled rejections recorded since the last call (oldest first).
  // Each entry: "uncaughtException: <message> (at ...)" or "unhandledRejection: ...".
  bool PopAsyncError(std::string* out);
  uint64_t async_error_count() const;  // total ever recorded

  // Wakes the pump thread (e.g. after native code scheduled work on the loop).
  void WakePump();

  // Watchdog: stops this environment for good, from any thread (node::Stop, as Node does for
  // Worker.terminate()). JS running right now (a host call or a loop callback) is terminated;
  // that call and every later one fail; destroy the environment afterwards. A raw
  // v8::Isolate::TerminateExecution() is NOT safe here: if it interrupts a Node loop callback,
  // Node finds its async-id stack unbalanced and calls exit(1), ending the host.
  void ForceStop();

  // The drain actually used (kAuto falls back to kCallbackScope without Node's tickInfo flags).
  DrainMode effective_drain() const;

  double startup_ms() const { return startup_ms_; }
  v8::Isolate* isolate() const;
  v8::Local<v8::Context> context() const;  // only inside a CallScope
  uv_loop_s* loop() const;
  node::Environment* node_env() const;
  v8::Local<v8::Object> exports() const;  // only inside a CallScope
  const EnvironmentOptions& options() const { return options_; }

  // The Environment whose JS runs on this thread (set by CallScope, the pump and Create);
  // nullptr elsewhere (e.g. in worker_threads). Used by Node-API bindings to find their state.
  static Environment* Current();

  // Emits a log line through the environment's sink.
  void Log(Severity severity, std::string_view msg) const;

  // Formats a caught exception as "<name>: <message> (at <first frame>)".
  static void FormatException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              v8::TryCatch& tc, std::string* out);

  struct Impl;  // private, defined in src/internal.h
  Impl* impl_for_internal() const { return impl_.get(); }

 private:
  friend class CallScope;
  explicit Environment(const EnvironmentOptions& options);
  bool CallValueUnwatched(CallScope& scope, v8::Local<v8::Function> fn, v8::Local<v8::Value> recv, int argc,
                          v8::Local<v8::Value>* argv, Want want, Result& r, const CallOptions& opts,
                          v8::Local<v8::Value>* out_value);
  void AfterJs();  // under the Locker, after JS ran on a host thread

  EnvironmentOptions options_;
  std::unique_ptr<Impl> impl_;
  Result shared_result_;
  double startup_ms_ = 0;
};

}  // namespace rt
}  // namespace falco_ts
