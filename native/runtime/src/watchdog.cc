// The call watchdog: a top-level call with a time limit stores its deadline in its environment
// (one store, in milliseconds of CLOCK_MONOTONIC_COARSE: a vDSO read of a few ns, exact to a few ms
// even when this thread was not scheduled for a while); the watchdog thread claims an
// overdue deadline with a compare-exchange and terminates the isolate's JavaScript. The caller,
// when the call returns, takes the deadline back with an exchange: if the watchdog claimed it, the
// caller waits for the termination to be issued, cancels it (the environment stays usable) and
// fails the call with a timeout. So a termination never outlives the call it was meant for.
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

struct Watchdog {
  std::mutex mutex;
  std::condition_variable wake;
  std::set<Environment::Impl*> environments;  // guarded by mutex
  bool running = false;  // guarded by mutex
};

Watchdog& TheWatchdog() {
  static Watchdog* watchdog = new Watchdog;  // leaked: its thread may outlive static destructors
  return *watchdog;
}

int64_t NowMs() {
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000 + 1;  // never 0 (0: no deadline)
}

void Run(Watchdog* w) {
  pthread_setname_np(pthread_self(), "falco-ts-watch");
  std::unique_lock<std::mutex> lock(w->mutex);
  while (!w->environments.empty() && !ProcessIsExiting()) {
    w->wake.wait_for(lock, std::chrono::milliseconds(kWatchTickMs));
    const int64_t now = NowMs();
    for (Environment::Impl* impl : w->environments) {
      int64_t deadline = impl->watch_deadline.load(std::memory_order_acquire);
      if (deadline <= 0 || now < deadline) continue;
      if (impl->watch_deadline.compare_exchange_strong(deadline, kWatchFiring)) {
        impl->isolate->TerminateExecution();
        impl->watch_terminated.store(true, std::memory_order_release);
      }
    }
  }
  w->running = false;
}

}  // namespace

void WatchEnvironment(Environment::Impl* impl) {
  Watchdog& w = TheWatchdog();
  std::lock_guard<std::mutex> lock(w.mutex);
  w.environments.insert(impl);
  if (w.running) return;
  // The watchdog blocks every asynchronous signal: they are the host's.
  sigset_t block, old;
  sigfillset(&block);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  try {
    std::thread(Run, &w).detach();
    w.running = true;
  } catch (const std::exception&) {
    // No watchdog: calls run without a time limit (the environment still works).
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void UnwatchEnvironment(Environment::Impl* impl) {
  Watchdog& w = TheWatchdog();
  std::lock_guard<std::mutex> lock(w.mutex);
  w.environments.erase(impl);
}

int64_t WatchDeadlineAfter(int ms) { return NowMs() + ms; }

}  // namespace rt
}  // namespace falco_ts
