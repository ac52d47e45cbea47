// Environment lifetime: creation (isolate + loop + node::Environment, exit handler, linked
// bindings, bootstrap, bundle), bookkeeping, and teardown in a safe order.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

// FALCO_TS_STARTUP_STATS=1: each environment logs how long it took to start and what its code cache
// saved (a diagnostic for the plugin's author; off by default, the host's log stays the plugin's).
bool StartupStatsWanted() {
  static const bool wanted = [] {
    const char* v = std::getenv("FALCO_TS_STARTUP_STATS");
    return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
  }();
  return wanted;
}

// Restores the thread's "current environment" on scope exit.
class CurrentEnvGuard {
 public:
  explicit CurrentEnvGuard(Environment* env) : previous_(CurrentEnvSlot()) { CurrentEnvSlot() = env; }
  ~CurrentEnvGuard() { CurrentEnvSlot() = previous_; }

 private:
  Environment* previous_;
};

}  // namespace

ThreadData& CurrentThreadData() {
  static thread_local ThreadData data;
  return data;
}

Environment* Environment::Current() { return CurrentEnvSlot(); }

Environment::Environment(const EnvironmentOptions& options) : options_(options), impl_(new Impl()) {
  impl_->self = this;
}

std::unique_ptr<Environment> Environment::Create(const EnvironmentOptions& options, std::string* error) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string scratch;
  if (error == nullptr) error = &scratch;
  if (options.bundle_path.empty() || options.bundle_path[0] != '/') {
    *error = "falco-ts runtime: bundle_path must be an absolute path";
    return nullptr;
  }
  if (!EnsureProcessRuntime(error)) return nullptr;
  InstallBuiltinCompileHook();  // once per library copy of the runtime (code_cache.cc)
  abi1::ProcessState& ps = abi1::SharedProcessState();

  std::unique_ptr<Environment> self(new Environment(options));
  Impl* impl = self->impl_.get();
  static std::atomic<uint64_t> next_id{1};
  impl->id = next_id.fetch_add(1);
  impl->park_threads = options.park_host_threads;

  std::vector<std::string> errors;
  std::vector<std::string> args = {"falco-ts-plugin", options.bundle_path};
  args.insert(args.end(), options.argv.begin(), options.argv.end());
  const std::vector<std::string>& exec_args = ps.init_result->exec_args();
  // Not kOwnsProcessState: JS cannot chdir/umask/setuid the host. No inspector. No
  // $HOME/.node_modules or NODE_PATH lookups. Raw fs.open() fds are closed on teardown.
  const auto flags = static_cast<node::EnvironmentFlags::Flags>(
      node::EnvironmentFlags::kNoCreateInspector | node::EnvironmentFlags::kNoGlobalSearchPaths |
      node::EnvironmentFlags::kTrackUnmanagedFds);
  impl->heap_limit_mib = options.heap_limit_mib;

  // Code caches: the build's, and this environment as the build's cache writer.
  if (const char* out = std::getenv("FALCO_TS_CODE_CACHE_OUT"); out != nullptr && *out != '\0') {
    const char* no_bundle = std::getenv("FALCO_TS_CODE_CACHE_NO_BUNDLE");
    impl->code_cache_writer.reset(new CodeCacheWriter(out, no_bundle == nullptr || *no_bundle == '\0'));
  } else if (!options.code_cache.empty()) {
    std::string why;
    impl->code_cache = CodeCacheStore::Parse(options.code_cache, options.bundle_source, &why);
    if (!impl->code_cache && StartupStatsWanted()) self->Log(Severity::kInfo, "falco-ts runtime: code cache not used: " + why);
  }
  {
    // Builtins compiled while the environment is set up find their code cache through it.
    CurrentEnvGuard current(self.get());
    NodeSetup::Limits limits;
    limits.old_generation_mib = options.heap_limit_mib;
    impl->setup = NodeSetup::Create(ps.platform, &errors, args, exec_args, flags, limits);
  }
  if (impl->setup) {
    // At the limit: stop this environment's JavaScript for good, and give V8 the room to unwind
    // instead of letting it abort the process.
    impl->setup->isolate()->AddNearHeapLimitCallback(
        [](void* data, size_t current, size_t) -> size_t {
          auto* i = static_cast<Environment::Impl*>(data);
          i->out_of_memory.store(true);
          i->dead.store(true);
          i->isolate->TerminateExecution();
          return current + std::max<size_t>(current / 2, size_t{64} << 20);
        },
        impl);
  }
  if (!impl->setup) {
    *error = "falco-ts runtime: cannot create the Node environment";
    for (const std::string& e : errors) *error += "; " + e;
    return nullptr;
  }
  impl->isolate = impl->setup->isolate();
  WatchEnvironment(impl);
  impl->env = impl->setup->env();
  impl->loop = impl->setup->event_loop();

  {
    v8::Locker locker(impl->isolate);
    v8::Isolate::Scope isolate_scope(impl->isolate);
    v8::HandleScope handle_scope(impl->isolate);
    v8::Local<v8::Context> context = impl->setup->context();
    v8::Context::Scope context_scope(context);
    CurrentEnvGuard current(self.get());

    impl->context.Reset(impl->isolate, context);
    impl->callback_resource.Reset(impl->isolate, v8::Object::New(impl->isolate));
    v8::Local<v8::Function> noop;
    if (!v8::Function::New(context, [](const v8::FunctionCallbackInfo<v8::Value>&) {}).ToLocal(&noop)) {
      *error = "falco-ts runtime: cannot create a function";
      return nullptr;
    }
    impl->noop.Reset(impl->isolate, noop);

    impl->anchor = new uv_async_t;
    uv_async_init(impl->loop, impl->anchor, nullptr);
    impl->anchor->data = impl;

    // process.exit() / reallyExit must never end the host: record the code, mark the
    // environment dead and stop its JS (what Node does for a Worker).
    node::SetProcessExitHandler(impl->env, [impl](node::Environment* env, int code) {
      impl->exit_code.store(code);
      impl->dead.store(true);
      if (!impl->stopped.exchange(true)) node::Stop(env);
    });

    node::AddLinkedBinding(impl->env, "falco_ts_runtime", InitRuntimeBinding,
                           NODE_API_DEFAULT_MODULE_API_VERSION);
    for (const LinkedBinding& b : options.bindings) {
      node::AddLinkedBinding(impl->env, b.name, b.init, NODE_API_DEFAULT_MODULE_API_VERSION);
    }

    // The same source for every environment (the bundle's path comes from the binding), so that its
    // code cache applies to all of them.
    static const std::string source = std::string("'use strict';\n") + kBootstrapSource;
    v8::TryCatch try_catch(impl->isolate);
    v8::MaybeLocal<v8::Value> loaded = node::LoadEnvironment(impl->env, source.c_str());
    v8::Local<v8::Value> exports;
    if (!loaded.ToLocal(&exports) || !(exports->IsObject() || exports->IsFunction())) {
      if (!impl->load_error.empty()) {
        *error = impl->load_error;
      } else if (impl->dead.load()) {
        *error = "the plugin called process.exit(" + std::to_string(impl->exit_code.load()) + ") while loading";
      } else if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
        Environment::FormatException(impl->isolate, context, try_catch, error);
      } else {
        *error = "the bootstrap did not return the plugin exports";
      }
      *error = "falco-ts runtime: " + *error;
      return nullptr;  // ~Environment tears down what exists
    }
    impl->exports.Reset(impl->isolate, exports.As<v8::Object>());

    if (impl->code_cache_writer) {
      // The build's cache-making run: what the bootstrap and the bundle's top level compiled is the
      // cache. The plugin's callbacks must not run at build time: the environment fails here.
      std::string write_error;
      if (!impl->code_cache_writer->Write(impl->isolate, options.bundle_source, &write_error)) {
        *error = "falco-ts runtime: " + write_error;
      } else {
        *error = "falco-ts runtime: code cache written to " + impl->code_cache_writer->path();
      }
      return nullptr;
    }
  }
  if (StartupStatsWanted()) {
    const CodeCacheStats& stats = impl->code_cache_stats;
    self->Log(Severity::kInfo, "falco-ts runtime: started in " +
                                    std::to_string(static_cast<int>(std::chrono::duration<double, std::milli>(
                                                                        std::chrono::steady_clock::now() - t0)
                                                                        .count())) +
                                    " ms; builtins: " + std::to_string(stats.builtins_from_cache) + " from the code cache, " +
                                    std::to_string(stats.builtins_rejected) + " rejected, " +
                                    std::to_string(stats.builtins_compiled) + " compiled; bundle: " + stats.bundle);
  }
  if (options.code_cache_mapped) DropFileBackedPages(options.code_cache);
  // Node's bootstrap read builtin sources and tables of libnode that a running plugin does not need.
  DropLibnodeReadOnlyData();

  if (options.pump) {
    impl->pump.reset(new Pump(self.get()));
    if (!impl->pump->Start(error)) {
      impl->pump.reset();
      return nullptr;
    }
  }
  self->startup_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  RegisterExitDetection();
  return self;
}

Environment::~Environment() {
  Impl* impl = impl_.get();
  UnwatchEnvironment(impl);
  if (ProcessIsExiting()) {
    // Node and V8 may already be partly torn down: stop the pump thread, abandon the rest.
    if (impl->pump) impl->pump->Stop();
    (void)impl_.release();
    return;
  }
  // 1. The pump must not touch the loop any more (it may be waiting for the Locker).
  if (impl->pump) {
    impl->pump->Stop();
    impl->pump.reset();
  }
  if (!impl->setup) return;
  // The isolate must not stay locked by this thread (parked, see call.cc) while it is torn down.
  UnparkCurrentThread(impl->id);
  {
    v8::Locker locker(impl->isolate);
    v8::Isolate::Scope isolate_scope(impl->isolate);
    v8::HandleScope handle_scope(impl->isolate);
    v8::Context::Scope context_scope(impl->setup->context());
    CurrentEnvGuard current(this);
    // 2. Release the loop anchor (its close must complete before the loop is closed).
    if (impl->anchor != nullptr) {
      uv_close(reinterpret_cast<uv_handle_t*>(impl->anchor), [](uv_handle_t* h) {
        static_cast<Impl*>(h->data)->anchor_closed = true;
        delete reinterpret_cast<uv_async_t*>(h);
      });
      impl->anchor = nullptr;
      for (int i = 0; i < 16 && !impl->anchor_closed; ++i) uv_run(impl->loop, UV_RUN_NOWAIT);
    }
    // 3. process.emit('exit') (flushes console line buffers) unless JS already exited.
    if (!impl->dead.load() && !impl->stopped.load()) {
      v8::TryCatch try_catch(impl->isolate);
      (void)node::EmitProcessExit(impl->env);
    }
    // 4. Drop every persistent handle into the isolate.
    impl->code_cache_writer.reset();
    for (auto& fn : impl->functions) fn.Reset();
    impl->functions.clear();
    {
      std::lock_guard<std::mutex> lock(impl->function_ids_mutex);
      impl->function_ids.clear();
    }
    impl->exports.Reset();
    impl->callback_resource.Reset();
    impl->noop.Reset();
    impl->context.Reset();
    impl->tick_info = nullptr;
    // 5. Stop JS and the loop.
    if (!impl->stopped.exchange(true)) node::Stop(impl->env);
    impl->dead.store(true);
  }
  // 6. FreeEnvironment (closes servers, handles, tracked fds), dispose the isolate, close the
  //    loop. Takes its own Locker: must run outside ours.
  impl->setup.reset();
}

FunctionId Environment::Function(const char* name) {
  if (impl_->dead.load() || name == nullptr) return -1;
  {
    std::lock_guard<std::mutex> lock(impl_->function_ids_mutex);
    auto it = impl_->function_ids.find(name);
    if (it != impl_->function_ids.end()) return it->second;
  }
  CallScope scope(*this);
  {
    std::lock_guard<std::mutex> lock(impl_->function_ids_mutex);
    auto it = impl_->function_ids.find(name);
    if (it != impl_->function_ids.end()) return it->second;
  }
  v8::Isolate* isolate = scope.isolate();
  v8::Local<v8::Context> context = scope.context();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> key;
  v8::Local<v8::Value> value;
  if (!v8::String::NewFromUtf8(isolate, name).ToLocal(&key) ||
      !impl_->exports.Get(isolate)->Get(context, key).ToLocal(&value) || !value->IsFunction()) {
    return -1;
  }
  const FunctionId id = static_cast<FunctionId>(impl_->functions.size());
  impl_->functions.emplace_back(isolate, value.As<v8::Function>());
  std::lock_guard<std::mutex> lock(impl_->function_ids_mutex);
  impl_->function_ids.emplace(name, id);
  return id;
}

DrainMode Environment::effective_drain() const {
  if (options_.drain == DrainMode::kAuto && impl_->tick_info == nullptr) return DrainMode::kCallbackScope;
  return options_.drain;
}

bool Environment::alive() const { return !impl_->dead.load(); }

int Environment::exit_code() const { return impl_->exit_code.load(); }

bool Environment::PopAsyncError(std::string* out) {
  std::lock_guard<std::mutex> lock(impl_->errors_mutex);
  if (impl_->async_errors.empty()) return false;
  *out = std::move(impl_->async_errors.front());
  impl_->async_errors.pop_front();
  return true;
}

uint64_t Environment::async_error_count() const { return impl_->async_error_total.load(); }

void Environment::ForceStop() { ForceStopImpl(impl_.get()); }

void ForceStopImpl(Environment::Impl* impl) {
  if (impl->env == nullptr) return;
  impl->dead.store(true);
  if (!impl->stopped.exchange(true)) node::Stop(impl->env);  // thread-safe, like Worker.terminate()
}

void Environment::WakePump() {
  if (impl_->pump) impl_->pump->Wake();
}

v8::Isolate* Environment::isolate() const { return impl_->isolate; }
v8::Local<v8::Context> Environment::context() const { return impl_->context.Get(impl_->isolate); }
uv_loop_s* Environment::loop() const { return impl_->loop; }
node::Environment* Environment::node_env() const { return impl_->env; }
v8::Local<v8::Object> Environment::exports() const { return impl_->exports.Get(impl_->isolate); }

void Environment::Log(Severity severity, std::string_view msg) const {
  if (options_.log != nullptr) {
    options_.log(options_.log_user, severity, msg.data(), msg.size());
  } else {
    std::fprintf(stderr, "[falco-ts] %.*s\n", static_cast<int>(msg.size()), msg.data());
  }
}

void RecordAsyncError(Environment* env, std::string msg) {
  Environment::Impl* impl = env->impl_for_internal();
  std::lock_guard<std::mutex> lock(impl->errors_mutex);
  impl->async_errors.push_back(std::move(msg));
  while (impl->async_errors.size() > std::max<size_t>(env->options().max_async_errors, 1)) {
    impl->async_errors.pop_front();
  }
  impl->async_error_total.fetch_add(1);
}

void SetTickInfo(Environment* env, const uint8_t* flags) { env->impl_for_internal()->tick_info = flags; }

void SetLoadError(Environment* env, std::string msg) { env->impl_for_internal()->load_error = std::move(msg); }

}  // namespace rt
}  // namespace falco_ts
