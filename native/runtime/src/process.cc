// Per-process part of the embedded runtime: node::InitializeOncePerProcess exactly once per
// process (shared by every plugin library through the GNU-unique ProcessState), libnode promoted
// to the global symbol scope, SIGPIPE hygiene.
#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

void SetError(abi1::ProcessState& ps, const std::string& msg) {
  std::snprintf(ps.error, sizeof(ps.error), "%s", msg.c_str());
}

// libuv writes to sockets/pipes with write(2); a peer that went away raises SIGPIPE, whose
// default action would kill the host. Only when the host left SIGPIPE at SIG_DFL we switch it
// to SIG_IGN; a handler (or SIG_IGN) the host installed is never touched. The pump thread
// additionally blocks SIGPIPE for itself.
void IgnoreSigpipeIfDefault() {
  struct sigaction current;
  if (sigaction(SIGPIPE, nullptr, &current) != 0) return;
  if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL) {
    struct sigaction ign;
    std::memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, nullptr);
  }
}

// The host dlopen()ed the plugin RTLD_LOCAL, so libnode's napi_* symbols are invisible to
// `.node` addons a plugin loads later ("symbol lookup error: napi_..."). Re-opening the already
// loaded libnode with RTLD_GLOBAL|RTLD_NOLOAD promotes it to the global scope.
void* PromoteLibnodeToGlobal() {
  const LibnodeImage& libnode = Libnode();
  if (libnode.path.empty()) return nullptr;
  void* h = dlopen(libnode.path.c_str(), RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  if (h == nullptr) h = dlopen("libnode.so.108", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  return h;  // never dlclose()d: libnode stays for the life of the process
}

}  // namespace

bool EnsureProcessRuntime(std::string* error) {
  abi1::ProcessState& ps = abi1::SharedProcessState();
  if (ps.magic != abi1::kProcessStateMagic || ps.size != sizeof(abi1::ProcessState)) {
    if (error) *error = "falco-ts runtime: incompatible process state shared by another library";
    return false;
  }
  std::lock_guard<std::mutex> lock(ps.mutex);
  if (ps.initialized) {
    if (!ps.ok && error) *error = ps.error;
    return ps.ok;
  }
  ps.initialized = true;

  // Safety net: if Node was already initialised in this process by code that does not share
  // this state (another SDK ABI, or a library that hid the runtime's unique symbols), a second
  // InitializeOncePerProcess would abort the host. Fail cleanly instead.
  if (node::GetTracingController() != nullptr) {
    SetError(ps,
             "falco-ts runtime: Node.js is already initialised in this process by another component "
             "that does not share this runtime (are the falco_ts::rt::abi1 symbols hidden?)");
    if (error) *error = ps.error;
    return false;
  }

  std::string files_error;
  if (!ProvideRuntimeFiles(&files_error)) {
    SetError(ps, "falco-ts runtime: " + files_error);
    if (error) *error = ps.error;
    return false;
  }

  ps.libnode_handle = PromoteLibnodeToGlobal();
  IgnoreSigpipeIfDefault();
  DeferExtraCaCerts();

  std::vector<std::string> args = {
      "falco-ts-plugin",
      // Taking a fresh v8::Locker per call clears V8's interrupt flags, so code optimised on a
      // background thread may never be installed: compile optimised code on the main thread.
      "--no-concurrent-recompilation",
      // Host threads stay parked on isolates between calls (call.cc), which wasm code GC cannot
      // cope with: keep wasm code (undici's HTTP parser) for the life of the process.
      "--no-wasm-code-gc",
      // V8 grows the young generation up to 16 MiB per semi-space under a steady allocation rate (a
      // source's events, extracted strings): in a long capture that is 20+ MiB of resident memory
      // for a few percent of throughput. 4 MiB keeps scavenges cheap and the footprint flat.
      "--max-semi-space-size=4",
      "--stack-size=" + std::to_string(kJsStackKiB),
  };
  using namespace node::ProcessInitializationFlags;
  const auto flags = static_cast<node::ProcessInitializationFlags::Flags>(
      kNoStdioInitialization | kNoDefaultSignalHandling | kDisableNodeOptionsEnv | kNoAdjustResourceLimits |
      kNoUseLargePages | kNoPrintHelpOrVersionOutput);

  const auto t0 = std::chrono::steady_clock::now();
  ps.init_calls.fetch_add(1);
  std::unique_ptr<node::InitializationResult> result = node::InitializeOncePerProcess(args, flags);
  ps.init_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::string msg;
  for (const std::string& e : result->errors()) {
    if (!msg.empty()) msg += "; ";
    msg += e;
  }
  if (result->early_return() || result->exit_code() != 0 || result->platform() == nullptr) {
    SetError(ps, "falco-ts runtime: node::InitializeOncePerProcess failed (exit code " +
                     std::to_string(result->exit_code()) + ")" + (msg.empty() ? "" : ": " + msg));
    ps.init_result = result.release();  // never freed: Node cannot be re-initialised anyway
    if (error) *error = ps.error;
    return false;
  }
  // What loading libnode and the process init read of its symbol and relocation tables is not needed
  // any more (see DropLibnodeReadOnlyData).
  DropLibnodeReadOnlyData();
  ps.platform = result->platform();
  ps.init_result = result.release();
  ps.ok = true;
  return true;
}

namespace {
std::atomic<bool> g_process_exiting{false};
// Registered once per environment creation, so it may run several times: only the first acts.
void MarkProcessExiting() {
  if (g_process_exiting.exchange(true)) return;
  // A pump thread still running the loop while Node's exit handlers tear its state down crashes
  // the exit (seen as a SIGSEGV in node::Environment::CheckImmediate under load).
  StopAllPumpsForExit();
}
}  // namespace

bool ProcessIsExiting() { return g_process_exiting.load(); }

// Exit handlers run in the reverse order of their registration: registering after Node's own
// (at each environment creation) makes this one run before any of them, and before the static
// destructors of a host that was set up earlier.
void RegisterExitDetection() { std::atexit(&MarkProcessExiting); }

int ProcessInitCount() { return abi1::SharedProcessState().init_calls.load(); }

const void* ProcessStateAddress() { return &abi1::SharedProcessState(); }

double ProcessInitMs() {
  abi1::ProcessState& ps = abi1::SharedProcessState();
  std::lock_guard<std::mutex> lock(ps.mutex);
  return ps.init_ms;
}

}  // namespace rt
}  // namespace falco_ts
