// The isolate, context and node::Environment of one runtime Environment: node::CommonEnvironmentSetup
// (Node 18's src/api/embed_helpers.cc) with the isolate's heap limit set through its own
// v8::ResourceConstraints instead of the process-wide --max-old-space-size flag.
//
// Why: V8 stamps every code cache with a hash of its flags and rejects a cache made under other flag
// values. Changing --max-old-space-size around each isolate's creation changed that hash, so the code
// caches `falco-plugin build` makes (code_cache.cc) would be rejected for whatever was compiled while
// the flag was set. With constraints, the flags stay as process init set them.
//
// node::NewIsolate(CreateParams*, ...) is exported by libnode but only declared in Node's internal
// headers: it is looked up at run time. Without it, the public NewIsolate is used with the old flag
// toggling (the heap limit still works; code caches made under another limit are then rejected).
#include <cstdio>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

using NewIsolateWithParams = v8::Isolate* (*)(v8::Isolate::CreateParams*, uv_loop_t*, node::MultiIsolatePlatform*,
                                              bool /* has_snapshot_data */);

NewIsolateWithParams FindNewIsolateWithParams() {
  static const auto fn = reinterpret_cast<NewIsolateWithParams>(
      LibnodeSymbol("_ZN4node10NewIsolateEPN2v87Isolate12CreateParamsEP9uv_loop_sPNS_20MultiIsolatePlatformEb"));
  return fn;
}

v8::Isolate* NewIsolate(node::MultiIsolatePlatform* platform, uv_loop_t* loop,
                        const std::shared_ptr<node::ArrayBufferAllocator>& allocator, const NodeSetup::Limits& limits) {
  if (NewIsolateWithParams with_params = FindNewIsolateWithParams()) {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator_shared = allocator;
    // Node configures V8's defaults from the machine's memory only when no old-generation limit is
    // set; with one, the young generation keeps V8's own default, as with --max-old-space-size.
    if (limits.old_generation_mib > 0) {
      params.constraints.set_max_old_generation_size_in_bytes(limits.old_generation_mib << 20);
    }
    return with_params(&params, loop, platform, false);
  }
  // Fallback: the flag, set for this isolate only (creation is serialised by the process state's
  // mutex), then back to V8's default.
  abi1::ProcessState& ps = abi1::SharedProcessState();
  std::lock_guard<std::mutex> flags_lock(ps.mutex);
  if (limits.old_generation_mib > 0) {
    const std::string flag = "--max-old-space-size=" + std::to_string(limits.old_generation_mib);
    v8::V8::SetFlagsFromString(flag.c_str(), flag.size());
  }
  v8::Isolate* isolate = node::NewIsolate(allocator, loop, platform);
  if (limits.old_generation_mib > 0) v8::V8::SetFlagsFromString("--max-old-space-size=0");
  return isolate;
}

}  // namespace

std::unique_ptr<NodeSetup> NodeSetup::Create(node::MultiIsolatePlatform* platform, std::vector<std::string>* errors,
                                             const std::vector<std::string>& args,
                                             const std::vector<std::string>& exec_args,
                                             node::EnvironmentFlags::Flags flags, const Limits& limits) {
  std::unique_ptr<NodeSetup> self(new NodeSetup(platform));
  const int rc = uv_loop_init(self->loop_);
  if (rc != 0) {
    errors->push_back(std::string("cannot initialise the event loop: ") + uv_err_name(rc));
    return nullptr;
  }
  self->loop_initialized_ = true;
  self->allocator_ = node::ArrayBufferAllocator::Create();
  self->isolate_ = NewIsolate(platform, self->loop_, self->allocator_, limits);
  if (self->isolate_ == nullptr) {
    errors->push_back("cannot create a V8 isolate");
    return nullptr;
  }
  v8::Isolate* isolate = self->isolate_;
  v8::Locker locker(isolate);
  v8::Isolate::Scope isolate_scope(isolate);
  self->isolate_data_ = node::CreateIsolateData(isolate, self->loop_, platform, self->allocator_.get());
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = node::NewContext(isolate);
  if (context.IsEmpty()) {
    errors->push_back("cannot initialise the V8 context");
    return nullptr;
  }
  self->context_.Reset(isolate, context);
  v8::Context::Scope context_scope(context);
  self->env_ = node::CreateEnvironment(self->isolate_data_, context, args, exec_args, flags);
  if (self->env_ == nullptr) {
    errors->push_back("cannot bootstrap the Node.js environment");
    return nullptr;
  }
  return self;
}

NodeSetup::~NodeSetup() {
  if (isolate_ != nullptr) {
    {
      v8::Locker locker(isolate_);
      v8::Isolate::Scope isolate_scope(isolate_);
      context_.Reset();
      if (env_ != nullptr) node::FreeEnvironment(env_);
      env_ = nullptr;
      if (isolate_data_ != nullptr) node::FreeIsolateData(isolate_data_);
      isolate_data_ = nullptr;
    }
    bool platform_finished = false;
    platform_->AddIsolateFinishedCallback(
        isolate_, [](void* data) { *static_cast<bool*>(data) = true; }, &platform_finished);
    platform_->UnregisterIsolate(isolate_);
    isolate_->Dispose();
    // The platform frees the isolate's task runners through the loop.
    while (!platform_finished) uv_run(loop_, UV_RUN_ONCE);
    isolate_ = nullptr;
  }
  if (!loop_initialized_) {
    delete loop_;
    return;
  }
  // Node aborts the process when handles are left; the host must go on: run what is closing, and
  // leave the loop's memory to the process if something still holds it.
  int rc = uv_loop_close(loop_);
  for (int i = 0; i < 16 && rc == UV_EBUSY; ++i) {
    uv_run(loop_, UV_RUN_NOWAIT);
    rc = uv_loop_close(loop_);
  }
  if (rc == 0) delete loop_;
}

}  // namespace rt
}  // namespace falco_ts
