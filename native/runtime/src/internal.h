// Private declarations of the embedded runtime. Not part of the public API.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <node.h>
#include <uv.h>

#include "falco_ts/runtime.h"

#define FALCO_TS_EXPORT __attribute__((visibility("default")))

namespace falco_ts {
namespace rt {

// ---------------------------------------------------------------------------------------------
// Process-wide state shared by every library that embeds this runtime.
//
// SharedProcessState() is an inline function with default visibility: its function-local static
// is emitted by GCC as an STB_GNU_UNIQUE object, which the dynamic linker unifies across all
// loaded libraries, RTLD_LOCAL ones included. Every plugin library therefore sees the same
// ProcessState, and node::InitializeOncePerProcess runs once per process.
//
// ABI rule: the layout of ProcessState is frozen for a given `abi1` namespace. Any change of its
// fields (or of their meaning) must go to a new namespace (abi2, ...) so that libraries built
// with different SDK versions never share an incompatible object. The object is leaked on
// purpose (no destructor runs at exit: libnode is never torn down either).
// ---------------------------------------------------------------------------------------------
namespace abi1 {

constexpr uint32_t kProcessStateMagic = 0xFA1C0751u;

struct ProcessState {
  uint32_t magic = kProcessStateMagic;        // identifies a compatible layout
  uint32_t size = sizeof(ProcessState);       // sizeof(ProcessState) of the creator
  std::mutex mutex;                           // guards everything below
  bool initialized = false;                   // InitializeOncePerProcess ran (successfully or not)
  bool ok = false;                            // ... and succeeded
  std::atomic<int> init_calls{0};             // how many times InitializeOncePerProcess was called
  double init_ms = 0;                         // its duration
  node::MultiIsolatePlatform* platform = nullptr;
  node::InitializationResult* init_result = nullptr;  // leaked on purpose
  void* libnode_handle = nullptr;             // dlopen(RTLD_GLOBAL|RTLD_NOLOAD) handle, never closed
  char error[512] = {0};                      // failure message (NUL-terminated)
};
static_assert(std::is_trivially_destructible<ProcessState>::value,
              "ProcessState must not register an exit-time destructor");

// The function-local static is constant-initialised (no guard variable, no constructor call,
// no destructor) and, being in an inline function with default visibility, emitted as ONE
// GNU-unique symbol (_ZZN8falco_ts2rt4abi118SharedProcessStateEvE5state) that every library
// resolves to the same object.
FALCO_TS_EXPORT inline ProcessState& SharedProcessState() {
  static ProcessState state;
  return state;
}

}  // namespace abi1

// ---------------------------------------------------------------------------------------------
// Environment internals
// ---------------------------------------------------------------------------------------------

class Pump;

// ---------------------------------------------------------------------------------------------
// Code caches (code_cache.cc)
// ---------------------------------------------------------------------------------------------

// The entries of a code cache blob that this runtime can use (blob and store: same lifetime).
class CodeCacheStore {
 public:
  struct Entry {
    uint32_t kind;
    std::string id;
    uint64_t source_hash;  // 0: not checked
    const uint8_t* data;
    size_t size;
  };
  // nullptr (and *why) when the blob is malformed or was made for another libnode build, V8 version
  // or flags, or another bundle.
  static std::unique_ptr<CodeCacheStore> Parse(std::string_view blob, std::string_view bundle, std::string* why);
  const Entry* Find(uint32_t kind, const std::string& id, uint64_t source_hash) const;
  const Entry* Bundle() const;

 private:
  CodeCacheStore() = default;
  std::unordered_map<std::string, Entry> entries_;
};

// Collects what an environment compiled, and writes it as a code cache blob (FALCO_TS_CODE_CACHE_OUT).
class CodeCacheWriter {
 public:
  // `bundle`: whether the bundle's compiled function is recorded too (FALCO_TS_CODE_CACHE_NO_BUNDLE unset).
  CodeCacheWriter(std::string path, bool bundle) : path_(std::move(path)), bundle_(bundle) {}
  bool records_bundle() const { return bundle_; }
  void RecordBuiltin(v8::Isolate* isolate, const std::string& key, uint64_t source_hash, v8::Local<v8::Function> fn);
  void RecordBundle(v8::Isolate* isolate, v8::Local<v8::Function> fn);
  // Serialises every recorded function (with what it compiled since) under the environment's lock.
  bool Write(v8::Isolate* isolate, std::string_view bundle, std::string* error);
  const std::string& path() const { return path_; }

 private:
  struct Record {
    uint32_t kind;
    std::string id;
    uint64_t source_hash;
    v8::Eternal<v8::Function> fn;  // lives as long as the isolate, whatever happens to the environment
  };
  std::string path_;
  bool bundle_;
  std::vector<Record> records_;
};

struct CodeCacheStats {
  int builtins_from_cache = 0;
  int builtins_rejected = 0;  // V8 refused the entry: compiled from source
  int builtins_compiled = 0;  // no entry
  const char* bundle = "compiled";  // "from the cache", "rejected", "compiled"
};

// Points libnode's builtin compilation at the runtime (once per library copy); see code_cache.cc.
void InstallBuiltinCompileHook();
uint64_t BundleHash(std::string_view bundle);
// madvise(MADV_DONTNEED) on the whole pages inside `view`, which must be a read-only file mapping.
void DropFileBackedPages(std::string_view view);

// ---------------------------------------------------------------------------------------------
// The loaded libnode (libnode.cc)
// ---------------------------------------------------------------------------------------------

struct LibnodeImage {
  std::string path;      // as loaded ("" when it cannot be found)
  uintptr_t base = 0;    // load address
  void* handle = nullptr;  // dlopen(RTLD_NOLOAD) handle, never closed
  std::string build_id;  // GNU build id bytes ("" when it has none)
};
// Found once (dladdr scans the whole symbol table; later calls do not touch it).
const LibnodeImage& Libnode();
// dlsym in libnode; nullptr when it is not there (an internal symbol of another build).
void* LibnodeSymbol(const char* name);
// Points libnode's PLT slot of `symbol` at `hook`; returns what it pointed at (nullptr: no such slot,
// or it cannot be written; nothing changed).
void* RedirectLibnodeCall(const char* symbol, void* hook);
// madvise(MADV_DONTNEED) on libnode's read-only data segments (never written): the ELF headers, its
// dynamic symbol, string and relocation tables (~8.5 MiB, read while it is loaded) and .rodata (the
// builtins' sources among others). Their pages leave the process's memory and are mapped again from the
// page cache when touched.
void DropLibnodeReadOnlyData();

// With NODE_EXTRA_CA_CERTS set: its certificates are read when the first TLS context needs the root
// store, not during process init (extra_ca_certs.cc). Before node::InitializeOncePerProcess.
void DeferExtraCaCerts();

// What node::CommonEnvironmentSetup does (event loop, isolate, IsolateData, context,
// node::Environment, and their teardown in Node's order), except that the isolate's heap limits are
// V8 ResourceConstraints of that isolate instead of process-wide V8 flags (node_setup.cc). V8's flags
// then never change after process init, so V8 code caches (whose flag hash must match) stay valid.
class NodeSetup {
 public:
  struct Limits {
    size_t old_generation_mib = 0;  // 0: V8's default for this machine
  };
  static std::unique_ptr<NodeSetup> Create(node::MultiIsolatePlatform* platform, std::vector<std::string>* errors,
                                           const std::vector<std::string>& args,
                                           const std::vector<std::string>& exec_args,
                                           node::EnvironmentFlags::Flags flags, const Limits& limits);
  ~NodeSetup();
  NodeSetup(const NodeSetup&) = delete;
  NodeSetup& operator=(const NodeSetup&) = delete;

  v8::Isolate* isolate() const { return isolate_; }
  node::Environment* env() const { return env_; }
  uv_loop_t* event_loop() const { return loop_; }
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }

 private:
  explicit NodeSetup(node::MultiIsolatePlatform* platform) : platform_(platform) {}
  node::MultiIsolatePlatform* platform_;
  uv_loop_t* loop_ = new uv_loop_t();  // leaked if handles outlive the environment
  bool loop_initialized_ = false;
  std::shared_ptr<node::ArrayBufferAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  node::IsolateData* isolate_data_ = nullptr;
  v8::Global<v8::Context> context_;
  node::Environment* env_ = nullptr;
};

struct Environment::Impl {
  Environment* self = nullptr;
  uint64_t id = 0;             // unique in the process (never reused)
  bool park_threads = true;    // EnvironmentOptions::park_host_threads
  std::unique_ptr<NodeSetup> setup;
  v8::Isolate* isolate = nullptr;
  node::Environment* env = nullptr;
  uv_loop_t* loop = nullptr;
  v8::Global<v8::Context> context;
  v8::Global<v8::Object> exports;
  v8::Global<v8::Object> callback_resource;  // resource object for node::CallbackScope
  v8::Global<v8::Function> noop;             // rejection handler attached to awaited promises
  // Node's tickInfo fields: [0] a nextTick is scheduled, [1] a promise rejection is waiting to
  // be reported. Owned by the node::Environment; nullptr if the bootstrap could not find them.
  const volatile uint8_t* tick_info = nullptr;

  // Functions looked up by name (index = FunctionId). `functions` is guarded by the Locker,
  // `function_ids` by function_ids_mutex (cached lookups do not need the Locker).
  std::vector<v8::Global<v8::Function>> functions;
  std::unordered_map<std::string, FunctionId> function_ids;
  std::mutex function_ids_mutex;

  // Exit / liveness.
  std::atomic<bool> dead{false};
  std::atomic<int> exit_code{-1};
  std::atomic<bool> stopped{false};  // node::Stop already called
  std::atomic<bool> out_of_memory{false};  // reached the heap limit (then also dead)
  size_t heap_limit_mib = 0;

  // Errors recorded by the bootstrap's uncaughtException/unhandledRejection handlers.
  std::mutex errors_mutex;
  std::deque<std::string> async_errors;
  std::atomic<uint64_t> async_error_total{0};
  std::string load_error;  // set by the bootstrap when the bundle failed to load

  // Watchdog (watchdog.cc): the deadline of the running top-level call in monotonic ms (0: none,
  // kWatchFiring: the watchdog claimed it and terminates the isolate), and the termination done.
  std::atomic<int64_t> watch_deadline{0};
  std::atomic<bool> watch_terminated{false};
  // Calls into this environment's JavaScript on the stack (under its lock): only the outermost one
  // is watched, and only it may unlock the isolate while it awaits a Promise. A CallScope opened by
  // native code around a call (to load an event first) is not a call.
  int call_depth = 0;

  // Loop bookkeeping.
  std::atomic<int> uv_run_depth{0};  // >0 while some thread runs uv_run for this env
  // Ref'd handle that keeps the loop "alive" for as long as the environment exists (the host
  // keeps the process alive, so unref'd timers/servers must keep working, as in a Node process
  // that has other work). Without it uv_run() does not even poll when only unref'd handles
  // (Node's own) exist, and events on them would never be consumed.
  uv_async_t* anchor = nullptr;
  bool anchor_closed = false;
  std::unique_ptr<Pump> pump;

  // Code caches (code_cache.cc): the ones `falco-plugin build` made (nullptr: none, or not usable
  // with this runtime), and, when this environment makes them, the writer.
  std::unique_ptr<CodeCacheStore> code_cache;
  std::unique_ptr<CodeCacheWriter> code_cache_writer;
  CodeCacheStats code_cache_stats;
};

// Pump thread: keeps the environment's libuv loop running while no host thread calls in.
class Pump {
 public:
  explicit Pump(Environment* env);
  ~Pump();  // stops and joins
  bool Start(std::string* error);
  void Stop();
  void Wake();
  // Loop time (uv_now) at which the pump will next look at the loop on its own; INT64_MAX when
  // it sleeps until woken.
  int64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }
  std::thread::id thread_id() const { return thread_.get_id(); }

 private:
  void Run();
  Environment* env_;
  Environment::Impl* impl_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int64_t> deadline_{0};
  std::mutex stop_mutex_;  // Stop() may be called by the environment and by the exit handler
  std::thread thread_;
};

// Stops every pump thread of this library's environments: called first thing when the process
// exits, before Node's own exit handlers tear down what a running pump would touch.
void StopAllPumpsForExit();

// True when the loop has I/O watchers whose epoll registration is still pending (libuv only
// applies them inside uv_run). Peeks at libuv's (unix) private field `watcher_queue`.
inline bool LoopHasPendingWatchers(const uv_loop_t* loop) {
  return loop->watcher_queue[0] != static_cast<const void*>(&loop->watcher_queue);
}

// True when something other than the anchor keeps the loop alive: ref'd active handles or
// requests, closing handles (uv_loop_alive() minus the anchor).
bool LoopHasWork(uv_loop_t* loop);

// When the loop next needs attention, in loop time (uv_now); INT64_MAX: only on I/O / wake-up.
int64_t LoopNextDeadline(uv_loop_t* loop);

// JS stack V8 may use on a thread (KiB, V8's --stack-size). Host threads normally have >= 1 MiB
// (8 MiB by default on Linux); CallScope lowers the limit on threads with a smaller stack.
constexpr int kJsStackKiB = 900;

// The descriptor through which the libnode of a self-contained artifact reads its JavaScript files
// (its "/usr/share/nodejs/" prefix is rewritten to "/proc/self/fd/987/" by the artifact assembly,
// scripts/assemble-platform.mjs). See runtime_files.cc.
constexpr int kRuntimeFilesFd = 987;

// The call watchdog (watchdog.cc): one thread per library copy of the runtime, looking every
// kWatchTickMs while environments exist, terminating isolates whose call passed its deadline.
constexpr int kWatchTickMs = 10;
constexpr int64_t kWatchFiring = -1;
void WatchEnvironment(Environment::Impl* impl);
void UnwatchEnvironment(Environment::Impl* impl);
// A deadline `ms` milliseconds from now (a coarse monotonic clock read: cheap on the call path).
int64_t WatchDeadlineAfter(int ms);

// Makes the JavaScript files libnode reads at its first context reachable (runtime_files.cc).
bool ProvideRuntimeFiles(std::string* error);

// Node-API binding exposed to the bootstrap as process._linkedBinding('falco_ts_runtime').
napi_value InitRuntimeBinding(napi_env env, napi_value exports);

// Bootstrap source (generated from src/bootstrap.js at build time).
extern const char kBootstrapSource[];

// Per-thread runtime data (one TLS access per call).
struct ThreadData {
  Environment* current = nullptr;  // Environment whose JS runs on this thread
  bool stack_known = false;
  uintptr_t stack_low = 0;  // lowest usable address of this thread's stack (0: unknown)
};
ThreadData& CurrentThreadData();

// Makes ProcessIsExiting() true when the process exits (process.cc).
void RegisterExitDetection();

// Releases the current thread's parked lock on the environment `env_id`, if any (call.cc).
void UnparkCurrentThread(uint64_t env_id);
inline Environment*& CurrentEnvSlot() { return CurrentThreadData().current; }

// Formats a JS value thrown/rejected as an error string (message + first stack frame).
void FormatThrown(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                  v8::Local<v8::Message> message, std::string* out);

// Records an async error (from the bootstrap's handlers).
void RecordAsyncError(Environment* env, std::string msg);

// Records why the bundle could not be loaded (from the bootstrap).
void SetLoadError(Environment* env, std::string msg);

// node::Stop from any thread, once (see Environment::ForceStop).
void ForceStopImpl(Environment::Impl* impl);

// Node's tickInfo flags of the environment (from the bootstrap); see DrainMode::kAuto.
void SetTickInfo(Environment* env, const uint8_t* flags);

}  // namespace rt
}  // namespace falco_ts
