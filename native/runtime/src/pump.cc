// Pump thread: keeps an environment's libuv loop running (timers, servers, fs callbacks,
// promises resolved by I/O) while no host thread is calling into it.
//
// It waits with epoll on libuv's backend fd plus an eventfd (wake/stop), with the timeout libuv
// reports; when nothing keeps the loop alive it sleeps until woken. Each round takes the Locker
// and runs uv_run(UV_RUN_NOWAIT).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

// The pumps whose thread runs: the exit handler stops them all.
std::mutex& PumpsMutex() {
  static std::mutex* mutex = new std::mutex;  // leaked: used from exit handlers
  return *mutex;
}
std::set<Pump*>& Pumps() {
  static std::set<Pump*>* pumps = new std::set<Pump*>;  // leaked: used from exit handlers
  return *pumps;
}

}  // namespace

void StopAllPumpsForExit() {
  std::lock_guard<std::mutex> lock(PumpsMutex());
  for (Pump* pump : Pumps()) pump->Stop();
}

Pump::Pump(Environment* env) : env_(env), impl_(env->impl_for_internal()) {}

Pump::~Pump() {
  {
    std::lock_guard<std::mutex> lock(PumpsMutex());
    Pumps().erase(this);
  }
  Stop();
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool Pump::Start(std::string* error) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (wake_fd_ < 0 || epoll_fd_ < 0) {
    if (error) *error = std::string("falco-ts runtime: pump set-up failed: ") + std::strerror(errno);
    return false;
  }
  struct epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  int rc1 = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  ev.data.fd = uv_backend_fd(impl_->loop);
  int rc2 = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, ev.data.fd, &ev);
  if (rc1 != 0 || rc2 != 0) {
    if (error) *error = std::string("falco-ts runtime: pump epoll_ctl failed: ") + std::strerror(errno);
    return false;
  }
  deadline_.store(0);  // the first round runs the loop once right away
  // The pump thread blocks every asynchronous signal (SIGPIPE from writes to a vanished peer,
  // SIGINT/SIGTERM/... meant for the host): they are delivered to host threads, never here.
  // The mask is set around std::thread creation so the thread starts with it.
  sigset_t block, old;
  sigfillset(&block);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  try {
    {
      std::lock_guard<std::mutex> lock(PumpsMutex());
      Pumps().insert(this);
    }
    thread_ = std::thread([this] { Run(); });
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(PumpsMutex());
      Pumps().erase(this);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (error) *error = std::string("falco-ts runtime: cannot start the pump thread: ") + e.what();
    return false;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return true;
}

void Pump::Stop() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (!thread_.joinable()) return;
  stop_.store(true);
  Wake();
  // A JS callback that never returns (e.g. an endless loop in a timer) would block the join
  // forever: after a grace period terminate the running JS, then join.
  for (int i = 0; i < 2000 && !finished_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!finished_.load()) {
    env_->Log(Severity::kError, "falco-ts runtime: a JavaScript callback did not return within 2 s of destroy; "
                                "stopping the environment");
    ForceStopImpl(impl_);
  }
  thread_.join();
}

void Pump::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  ssize_t n;
  do {
    n = write(wake_fd_, &one, sizeof(one));
  } while (n < 0 && errno == EINTR);  // EAGAIN: counter saturated, a wake-up is pending anyway
}

void Pump::Run() {
  pthread_setname_np(pthread_self(), "falco-ts-pump");
  uv_loop_t* loop = impl_->loop;
  v8::Isolate* isolate = impl_->isolate;
  int timeout = 0;
  struct epoll_event events[4];
  while (!stop_.load()) {
    int n = epoll_wait(epoll_fd_, events, 4, timeout);
    if (n < 0 && errno != EINTR) {
      env_->Log(Severity::kError, std::string("falco-ts pump: epoll_wait failed: ") + std::strerror(errno));
      break;
    }
    uint64_t counter;
    while (read(wake_fd_, &counter, sizeof(counter)) > 0) {
    }
    if (stop_.load()) break;

    v8::Locker locker(isolate);
    if (stop_.load()) break;
    if (impl_->dead.load()) {  // process.exit(): nothing runs any more until destroy
      deadline_.store(INT64_MAX);
      timeout = -1;
      continue;
    }
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Context::Scope context_scope(impl_->context.Get(isolate));
    Environment*& current = CurrentEnvSlot();
    Environment* previous = current;
    current = env_;

    impl_->uv_run_depth.fetch_add(1);
    uv_run(loop, UV_RUN_NOWAIT);
    impl_->uv_run_depth.fetch_sub(1);

    if (LoopHasPendingWatchers(loop)) {
      timeout = 0;  // callbacks started new I/O: let the next round register it
      deadline_.store(static_cast<int64_t>(uv_now(loop)));
    } else {
      const int64_t next = LoopNextDeadline(loop);
      deadline_.store(next);
      timeout = next == INT64_MAX ? -1 : uv_backend_timeout(loop);
    }
    current = previous;
  }
  deadline_.store(INT64_MAX);
  finished_.store(true);
}

}  // namespace rt
}  // namespace falco_ts
