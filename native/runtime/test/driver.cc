// Test driver for the embedded runtime: a native host that does not link libnode. It dlopen()s
// two separately linked test libraries (RTLD_LOCAL|RTLD_NOW, like libsinsp loads plugins), each
// embedding its own copy of the static runtime and loading its own JS bundle, and checks the
// runtime's promises. Paths default to the build tree (compile definitions); override with
//   falco_ts_runtime_test [lib_a lib_b lib_hidden addon js_dir]
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_plugin.h"

namespace {

int g_failures = 0;
int g_checks = 0;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    ++g_checks;                                            \
    if (!(cond)) {                                         \
      ++g_failures;                                        \
      std::printf("  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::printf(__VA_ARGS__);                            \
      std::printf("\n");                                   \
    }                                                      \
  } while (0)

double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ----- a loaded test library -------------------------------------------------------------------
struct Lib {
  void* handle = nullptr;
  decltype(&tp_name) name;
  decltype(&tp_init_count) init_count;
  decltype(&tp_state_addr) state_addr;
  decltype(&tp_process_init_ms) process_init_ms;
  decltype(&tp_create) create;
  decltype(&tp_destroy) destroy;
  decltype(&tp_startup_ms) startup_ms;
  decltype(&tp_alive) alive;
  decltype(&tp_exit_code) exit_code;
  decltype(&tp_effective_drain) effective_drain;
  decltype(&tp_force_stop) force_stop;
  decltype(&tp_call) call;
  decltype(&tp_pop_async_error) pop_async_error;
  decltype(&tp_bench) bench;

  bool Load(const char* path) {
    handle = dlopen(path, RTLD_LOCAL | RTLD_NOW);
    if (!handle) {
      std::printf("dlopen %s: %s\n", path, dlerror());
      return false;
    }
#define SYM(n) n = reinterpret_cast<decltype(n)>(dlsym(handle, "tp_" #n)); if (!n) return false
    SYM(name); SYM(init_count); SYM(state_addr); SYM(process_init_ms); SYM(create); SYM(destroy);
    SYM(startup_ms); SYM(alive); SYM(exit_code); SYM(effective_drain); SYM(force_stop); SYM(call); SYM(pop_async_error); SYM(bench);
#undef SYM
    return true;
  }
};

// ----- log sink --------------------------------------------------------------------------------
struct LogLine {
  void* env_tag;
  int severity;
  std::string text;
};
std::mutex g_log_mutex;
std::vector<LogLine> g_logs;

void LogSink(void* user, int severity, const char* msg, size_t len) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_logs.push_back({user, severity, std::string(msg, len)});
}

bool HasLog(void* tag, int severity, const std::string& text) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  for (const LogLine& l : g_logs) {
    if (l.env_tag == tag && l.severity == severity && l.text == text) return true;
  }
  return false;
}

// ----- call helpers ----------------------------------------------------------------------------
struct Env {
  Lib* lib;
  void* h;
  char out[4096];
  double num = 0;

  bool Call(const char* fn, std::vector<tp_arg> args = {}, int want = TP_WANT_NUMBER, int timeout_ms = -1) {
    out[0] = 0;
    num = 0;
    return lib->call(h, fn, args.data(), static_cast<int>(args.size()), want, &num, out, sizeof(out), timeout_ms) == 1;
  }
  double Num(const char* fn, std::vector<tp_arg> args = {}) {
    if (!Call(fn, std::move(args))) {
      std::printf("  call %s failed: %s\n", fn, out);
      return -1e300;
    }
    return num;
  }
  std::string Str(const char* fn, std::vector<tp_arg> args = {}) {
    if (!Call(fn, std::move(args), TP_WANT_STRING)) return std::string("<error> ") + out;
    return out;
  }
};

tp_arg N(double v) { return tp_arg{TP_ARG_NUMBER, v, nullptr}; }
tp_arg S(const char* s) { return tp_arg{TP_ARG_STRING, 0, s}; }

// ----- process introspection -------------------------------------------------------------------
int CountDir(const char* path) {
  DIR* d = opendir(path);
  if (!d) return -1;
  int n = 0;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}
int ThreadCount() { return CountDir("/proc/self/task"); }
int FdCount() { return CountDir("/proc/self/fd"); }
long RssKb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::strtol(line + 6, nullptr, 10);
  }
  std::fclose(f);
  return kb;
}

// ----- signals ---------------------------------------------------------------------------------
std::atomic<int> g_host_signals{0};
void HostHandler(int) { g_host_signals.fetch_add(1); }

struct Disposition {
  void* handler;
  int flags;
};
std::vector<Disposition> SnapshotSignals() {
  std::vector<Disposition> v(NSIG);
  for (int s = 1; s < NSIG; ++s) {
    struct sigaction sa;
    if (sigaction(s, nullptr, &sa) == 0) {
      v[s] = {reinterpret_cast<void*>(sa.sa_handler), sa.sa_flags};
    } else {
      v[s] = {reinterpret_cast<void*>(-1), -1};
    }
  }
  return v;
}

// ----- a plain blocking HTTP client --------------------------------------------------------------
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "<socket failed>";
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "<connect failed>";
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  return resp;
}

void Section(const char* name) { std::printf("- %s\n", name); }

}  // namespace

// Child-process mode: the host left SIGPIPE at SIG_DFL; after the first environment it must be
// SIG_IGN (a write to a vanished peer would otherwise kill the host), everything else untouched.
int SigpipeProbe(const char* lib_path, const std::string& js_path) {
  signal(SIGPIPE, SIG_DFL);
  const std::vector<Disposition> before = SnapshotSignals();
  Lib L;
  if (!L.Load(lib_path)) return 2;
  char err[512];
  void* h = L.create(js_path.c_str(), nullptr, nullptr, TP_DRAIN_AUTO, err, sizeof(err));
  if (!h) {
    std::printf("  probe create: %s\n", err);
    return 3;
  }
  const std::vector<Disposition> after = SnapshotSignals();
  int rc = 0;
  for (int s = 1; s < NSIG; ++s) {
    const bool same = after[s].handler == before[s].handler && after[s].flags == before[s].flags;
    if (s == SIGPIPE) {
      if (after[s].handler != reinterpret_cast<void*>(SIG_IGN)) rc = 4;
    } else if (!same) {
      std::printf("  probe: signal %d changed\n", s);
      rc = 5;
    }
  }
  L.destroy(h);
  return rc;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--sigpipe-probe") == 0) return SigpipeProbe(argv[2], argv[3]);
  const char* lib_a_path = argc > 1 ? argv[1] : TP_LIB_A;
  const char* lib_b_path = argc > 2 ? argv[2] : TP_LIB_B;
  const char* lib_hidden_path = argc > 3 ? argv[3] : TP_LIB_HIDDEN;
  const char* addon_path = argc > 4 ? argv[4] : TP_ADDON;
  const std::string js = argc > 5 ? argv[5] : TP_JS_DIR;
  const std::string js_a = js + "/plugin_a.js", js_b = js + "/plugin_b.js", js_cycle = js + "/cycle.js";
  const std::string js_broken = js + "/broken.js", js_exits = js + "/exits_on_load.js";
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  // The host's own signal handlers, installed before any plugin is loaded.
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE}) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_handler = HostHandler;
    sigemptyset(&sa.sa_mask);
    sigaction(s, &sa, nullptr);
  }
  const std::vector<Disposition> signals_before = SnapshotSignals();
  char cwd_before[4096];
  (void)!getcwd(cwd_before, sizeof(cwd_before));
  const int threads_at_start = ThreadCount();

  Section("load two plugin libraries RTLD_LOCAL");
  Lib A, B, H;
  if (!A.Load(lib_a_path) || !B.Load(lib_b_path)) return 1;
  CHECK(std::string(A.name()) == "a" && std::string(B.name()) == "b", "names");
  CHECK(A.init_count() == 0 && B.init_count() == 0, "no init before first env");

  Section("first environment (library A) and second (library B)");
  char err[1024];
  double t0 = NowMs();
  void* ha = A.create(js_a.c_str(), LogSink, (void*)"A", TP_DRAIN_AUTO, err, sizeof(err));
  const double first_ms = NowMs() - t0;
  CHECK(ha != nullptr, "create A: %s", err);
  if (!ha) return 1;
  t0 = NowMs();
  void* hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
  const double second_ms = NowMs() - t0;
  CHECK(hb != nullptr, "create B: %s", err);
  if (!hb) return 1;
  std::printf("  first env %.1f ms (InitializeOncePerProcess %.1f ms), second env (other library) %.1f ms\n",
              first_ms, A.process_init_ms(), second_ms);
  CHECK(A.init_count() == 1 && B.init_count() == 1, "InitializeOncePerProcess once: A=%d B=%d", A.init_count(),
        B.init_count());
  CHECK(A.state_addr() == B.state_addr(), "one shared runtime state: %p vs %p", A.state_addr(), B.state_addr());
  std::printf("  init count A=%d B=%d, shared state %p / %p\n", A.init_count(), B.init_count(), A.state_addr(),
              B.state_addr());

  Env a{&A, ha, {0}}, b{&B, hb, {0}};
  CHECK(a.Num("add", {N(1), N(2)}) == 3, "1+2");
  CHECK(a.Str("name") == "a" && b.Str("name") == "b", "each library runs its own bundle");
  CHECK(a.Str("greet", {S("falco")}) == "hello, falco!", "string arg/result: %s", a.out);
  CHECK(a.Str("unicode") == "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xf0\x9f\x98\x80", "utf-8 result: %s", a.out);
  {
    tp_arg big{TP_ARG_BIGUINT64, 41, nullptr};
    CHECK(a.Num("big", {big}) == 42, "BigInt arg/result");
  }

  Section("JS exceptions become error strings; the next call still works");
  CHECK(!a.Call("throwError"), "throw fails the call");
  std::printf("  error: %s\n", a.out);
  CHECK(std::strstr(a.out, "TypeError: boom") && std::strstr(a.out, "plugin_a.js"), "message + frame: %s", a.out);
  CHECK(!a.Call("throwString") && std::string(a.out).rfind("plain string (at ", 0) == 0, "thrown string: %s", a.out);
  CHECK(a.Num("add", {N(2), N(2)}) == 4, "call after exception");
  CHECK(!a.Call("infinite") && std::strstr(a.out, "RangeError: Maximum call stack size exceeded"),
        "deep recursion is a RangeError: %s", a.out);
  CHECK(!a.Call("doesNotExist") && std::strstr(a.out, "no function"), "missing function: %s", a.out);

  Section("deep recursion on a host thread with a small (256 KiB) stack");
  {
    std::string result;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t th;
    struct Ctx {
      Env* env;
      std::string* result;
    } ctx{&a, &result};
    pthread_create(
        &th, &attr,
        [](void* p) -> void* {
          auto* c = static_cast<Ctx*>(p);
          Env e{c->env->lib, c->env->h, {0}};
          *c->result = e.Call("infinite") ? "returned?!" : e.out;
          e.Call("add", {N(1), N(1)});
          if (e.num != 2) *c->result += " | add failed afterwards";
          return nullptr;
        },
        &ctx);
    pthread_join(th, nullptr);
    pthread_attr_destroy(&attr);
    CHECK(result.find("Maximum call stack size exceeded") != std::string::npos &&
              result.find("add failed") == std::string::npos,
          "small-stack thread: %s", result.c_str());
  }

  Section("console output reaches the log callback, not the host's stdout");
  {
    std::fflush(stdout);
    const int saved = dup(1);
    const int capture = memfd_create("stdout-capture", 0);
    dup2(capture, 1);
    const bool ok = a.Call("log", {S("x")});
    std::fflush(stdout);
    dup2(saved, 1);
    close(saved);
    struct stat st;
    fstat(capture, &st);
    close(capture);
    CHECK(ok, "log call: %s", a.out);
    CHECK(st.st_size == 0, "nothing written to fd 1 (%ld bytes)", static_cast<long>(st.st_size));
    CHECK(HasLog((void*)"A", 6, "log: x"), "console.log -> INFO");
    CHECK(HasLog((void*)"A", 6, "info: x"), "console.info -> INFO");
    CHECK(HasLog((void*)"A", 4, "warn: x"), "console.warn -> WARNING");
    CHECK(HasLog((void*)"A", 3, "error: x"), "console.error -> ERROR");
    CHECK(HasLog((void*)"A", 7, "debug: x"), "console.debug -> DEBUG");
    CHECK(HasLog((void*)"A", 6, "stdout:x"), "process.stdout.write -> INFO");
    CHECK(HasLog((void*)"A", 6, "partial-line"), "stdout line buffering");
    CHECK(HasLog((void*)"A", 3, "stderr:x"), "process.stderr.write -> ERROR");
  }

  Section("nextTick, microtasks and rejection reports are drained after each call");
  for (int drain : {TP_DRAIN_AUTO, TP_DRAIN_CALLBACK_SCOPE}) {
    void* h = A.create(js_a.c_str(), LogSink, (void*)"D", drain, err, sizeof(err));
    CHECK(h != nullptr, "create: %s", err);
    if (!h) continue;
    Env d{&A, h, {0}};
    const char* mode = drain == TP_DRAIN_AUTO ? "auto" : "CallbackScope";
    CHECK(A.effective_drain(h) == drain, "%s: drain in effect %d (tickInfo flags found)", mode, A.effective_drain(h));
    CHECK(d.Num("nextTickSet") == 0, "schedule");
    CHECK(d.Num("getFlags") == 11, "%s: nextTick + promise reaction ran: %g", mode, d.num);
    CHECK(d.Num("tickFromMicrotask") == 0, "schedule");
    CHECK(d.Num("getFlags") == 20, "%s: nextTick scheduled by a microtask ran: %g", mode, d.num);
    CHECK(d.Num("rejectUnhandled") == 1, "reject");
    char buf[1024] = {0};
    const bool got = A.pop_async_error(h, buf, sizeof(buf)) == 1;  // no sleep: reported at the call's end
    CHECK(got && std::strstr(buf, "unhandledRejection: Error: nobody handles me"), "%s: rejection reported: %s",
          mode, buf);
    CHECK(!d.Call("asyncRejectSync") && std::strstr(d.out, "Error: sync async reject"), "%s: %s", mode, d.out);
    CHECK(A.pop_async_error(h, buf, sizeof(buf)) == 0, "%s: an awaited rejection is not 'unhandled': %s", mode, buf);
    A.destroy(h);
  }

  Section("Promise-returning functions are awaited");
  CHECK(a.Num("asyncValue", {N(21)}) == 42, "await timer-based promise");
  CHECK(a.Str("asyncString", {S("ok")}) == "async ok", "await setImmediate-based promise: %s", a.out);
  CHECK(!a.Call("asyncReject") && std::strstr(a.out, "RangeError: async nope"), "rejection: %s", a.out);
  CHECK(!a.Call("neverSettles") && std::strstr(a.out, "can never settle"), "never settles: %s", a.out);
  t0 = NowMs();
  CHECK(!a.Call("slowSettles", {}, TP_WANT_NUMBER, 100) && std::strstr(a.out, "timed out"), "timeout: %s", a.out);
  CHECK(NowMs() - t0 < 5000, "timeout honoured");
  CHECK(a.Num("fsRead", {S(js_a.c_str())}) > 100, "fs.promises (thread pool) awaited");
  CHECK(a.Num("worker", {N(21)}) == 42, "worker_threads Worker round trip: %s", a.out);
  {
    // While one host thread awaits a 300 ms promise, another keeps calling the same environment.
    std::atomic<bool> done{false};
    std::atomic<long> calls{0};
    double awaited = 0;
    std::thread waiter([&] {
      Env w{&A, ha, {0}};
      awaited = w.Num("settlesIn", {N(300)});
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Env c{&A, ha, {0}};
    while (!done.load()) {
      if (c.Num("add", {N(1), N(2)}) == 3) calls.fetch_add(1);
    }
    waiter.join();
    CHECK(awaited == 300, "awaited value %g", awaited);
    std::printf("  %ld calls from another thread completed while a call awaited a 300 ms promise\n", calls.load());
    CHECK(calls.load() > 100, "other threads are not blocked by an awaiting call (%ld)", calls.load());
  }

  Section("uncaught errors in callbacks are recorded, not fatal");
  CHECK(a.Num("throwInTimeout") == 1, "schedule throw");
  CHECK(a.Num("rejectUnhandled") == 1, "unhandled rejection");
  {
    // The pump runs the timer while this thread sleeps; wait for it (generously: a loaded machine).
    char buf[1024];
    bool late = false, rejected = false;
    for (const double t0 = NowMs(); !(late && rejected) && NowMs() - t0 < 10000;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      while (A.pop_async_error(ha, buf, sizeof(buf))) {
        std::printf("  recorded: %s\n", buf);
        late |= std::strncmp(buf, "uncaughtException: Error: late boom", 35) == 0;
        rejected |= std::strncmp(buf, "unhandledRejection: Error: nobody handles me", 44) == 0;
      }
    }
    CHECK(late, "throw in setTimeout recorded");
    CHECK(rejected, "unhandled rejection recorded");
    CHECK(A.alive(ha) == 1, "environment still alive");
    CHECK(a.Num("add", {N(5), N(5)}) == 10, "still callable");
  }

  Section("timers and an HTTP server run while the host thread is busy elsewhere");
  {
    CHECK(a.Num("startTimer") == 1, "start interval");
    // The host thread only sleeps and polls: the interval must keep firing on the pump.
    const double t0 = NowMs();
    double count = 0;
    while ((count = a.Num("timerCount")) < 15 && NowMs() - t0 < 10000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::printf("  10 ms interval fired %g times in %.0f ms of host sleep\n", count, NowMs() - t0);
    CHECK(count >= 15, "interval ran while host slept: %g", count);
    a.Num("stopTimers");

    const double port = a.Num("startServer");
    CHECK(port > 0, "server listening: %s", a.out);
    std::vector<double> lat;
    for (int i = 0; i < 50; ++i) {
      const double s = NowMs();
      std::string resp = HttpGet(static_cast<int>(port), "/req" + std::to_string(i));
      lat.push_back(NowMs() - s);
      if (resp.find("hello from /req" + std::to_string(i)) == std::string::npos) {
        CHECK(false, "bad response %d: %s", i, resp.substr(0, 200).c_str());
        break;
      }
    }
    std::sort(lat.begin(), lat.end());
    std::printf("  50 HTTP requests served by the pump (no JS calls from the host): p50 %.2f ms, max %.2f ms\n",
                lat[lat.size() / 2], lat.back());
    CHECK(a.Num("hits") == 50, "server counted 50 hits: %g", a.num);

    // Same, while another host thread hammers the same environment with calls.
    std::atomic<bool> stop{false};
    std::atomic<long> calls{0};
    std::thread hammer([&] {
      Env h{&A, ha, {0}};
      while (!stop.load()) {
        if (h.Num("add", {N(1), N(1)}) == 2) calls.fetch_add(1);
      }
    });
    lat.clear();
    for (int i = 0; i < 200; ++i) {
      const double s = NowMs();
      std::string resp = HttpGet(static_cast<int>(port), "/busy");
      lat.push_back(NowMs() - s);
      if (resp.find("hello from /busy") == std::string::npos) {
        CHECK(false, "bad response under load: %s", resp.substr(0, 200).c_str());
        break;
      }
    }
    stop = true;
    hammer.join();
    std::sort(lat.begin(), lat.end());
    std::printf("  200 HTTP requests while another thread made %ld JS calls: p50 %.2f ms, p99 %.2f ms\n", calls.load(),
                lat[lat.size() / 2], lat[lat.size() * 99 / 100]);

    // Environment B fetch()es (undici + WebAssembly llhttp) from A's server: B awaits on this
    // thread while A's pump serves.
    const std::string url = "http://127.0.0.1:" + std::to_string(static_cast<int>(port)) + "/fetched";
    CHECK(b.Str("fetchText", {S(url.c_str())}) == "hello from /fetched", "fetch B -> A: %s", b.out);
  }

  Section("two environments used from two threads at once");
  {
    constexpr int kCalls = 200000;
    auto worker = [](Env* e, double* sum) {
      Env local{e->lib, e->h, {0}};
      double s = 0;
      for (int i = 0; i < kCalls; ++i) s += local.Num("add", {N(i), N(1)});
      *sum = s;
    };
    double sa = 0, sb = 0;
    double s0 = NowMs();
    worker(&a, &sa);
    const double seq_ms = NowMs() - s0;
    s0 = NowMs();
    std::thread t1(worker, &a, &sa), t2(worker, &b, &sb);
    t1.join();
    t2.join();
    const double par_ms = NowMs() - s0;
    const double expect = static_cast<double>(kCalls) * (kCalls - 1) / 2 + kCalls;
    CHECK(sa == expect && sb == expect, "parallel results %g %g", sa, sb);
    std::printf("  %d calls on one env: %.0f ms; %d calls on each of A and B in parallel: %.0f ms\n", kCalls, seq_ms,
                kCalls, par_ms);

    // The same environment from two threads: serialised by its Locker, still correct.
    double s1 = 0, s2 = 0;
    std::thread t3(worker, &a, &s1), t4(worker, &a, &s2);
    t3.join();
    t4.join();
    CHECK(s1 == expect && s2 == expect, "same env from two threads %g %g", s1, s2);
  }

  Section("host signals, process state and addons");
  {
    CHECK(a.Num("listenSignals") == 1, "JS process.on('SIGINT')");
    const std::vector<Disposition> now = SnapshotSignals();
    int changed = 0;
    for (int s = 1; s < NSIG; ++s) {
      if (now[s].handler != signals_before[s].handler || now[s].flags != signals_before[s].flags) {
        ++changed;
        std::printf("  signal %d (%s) changed\n", s, strsignal(s));
      }
    }
    CHECK(changed == 0, "%d signal dispositions changed", changed);
    const int before = g_host_signals.load();
    raise(SIGINT);
    raise(SIGUSR1);
    CHECK(g_host_signals.load() == before + 2, "host handlers still receive SIGINT/SIGUSR1");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(a.Num("sigints") == 0, "JS signal listener not invoked");
    CHECK(a.Str("chdir").rfind("refused", 0) == 0, "process.chdir refused: %s", a.out);
    char cwd_now[4096];
    (void)!getcwd(cwd_now, sizeof(cwd_now));
    CHECK(std::strcmp(cwd_before, cwd_now) == 0, "host cwd unchanged");
    CHECK(a.Num("loadAddon", {S(addon_path)}) == 42, "npm-style .node addon resolves napi_*: %s", a.out);
  }

  Section("process.exit() in JS ends the environment, not the host");
  {
    CHECK(!b.Call("exitNow", {N(3)}), "exit call fails");
    std::printf("  error: %s\n", b.out);
    CHECK(B.alive(hb) == 0 && B.exit_code(hb) == 3, "B dead with code 3 (alive=%d code=%d)", B.alive(hb),
          B.exit_code(hb));
    CHECK(!b.Call("add", {N(1), N(1)}) && std::strstr(b.out, "exited"), "later calls fail: %s", b.out);
    CHECK(a.Num("add", {N(1), N(1)}) == 2, "A unaffected");
    B.destroy(hb);
    hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
    CHECK(hb != nullptr, "recreate B: %s", err);
    b.h = hb;
    CHECK(b.Num("exitLater", {N(4)}) == 1, "exit from a timer");
    for (const double t0 = NowMs(); B.alive(hb) != 0 && NowMs() - t0 < 10000;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(B.alive(hb) == 0 && B.exit_code(hb) == 4, "async exit recorded (alive=%d code=%d)", B.alive(hb),
          B.exit_code(hb));
    B.destroy(hb);
    hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
    b.h = hb;
    CHECK(hb && b.Num("add", {N(2), N(3)}) == 5, "B usable again");
  }

  Section("a runaway JS call can be force-stopped; destroy does not hang on a runaway callback");
  {
    std::thread watchdog([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      B.force_stop(hb);
    });
    t0 = NowMs();
    CHECK(!b.Call("spin") && std::strstr(b.out, "stopped"), "stopped: %s", b.out);
    watchdog.join();
    std::printf("  endless host call stopped after %.0f ms: %s\n", NowMs() - t0, b.out);
    CHECK(B.alive(hb) == 0 && !b.Call("add", {N(2), N(2)}), "later calls fail: %s", b.out);
    B.destroy(hb);
    hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
    b.h = hb;
    CHECK(b.Num("spinInTimer") == 1, "schedule endless timer callback");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    {
      // Force-stop while the runaway code runs in a loop callback on the pump thread.
      Env probe{&B, hb, {0}};
      std::thread watchdog2([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        B.force_stop(hb);
      });
      t0 = NowMs();
      CHECK(!probe.Call("add", {N(1), N(1)}), "call blocked behind the runaway callback fails");
      watchdog2.join();
      std::printf("  host call blocked behind a runaway timer callback returned after %.0f ms: %s\n", NowMs() - t0,
                  probe.out);
    }
    B.destroy(hb);
    hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
    b.h = hb;
    CHECK(b.Num("spinInTimer") == 1, "schedule endless timer callback");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    t0 = NowMs();
    B.destroy(hb);
    std::printf("  destroy with a runaway timer callback took %.0f ms\n", NowMs() - t0);
    hb = B.create(js_b.c_str(), LogSink, (void*)"B", TP_DRAIN_AUTO, err, sizeof(err));
    b.h = hb;
    CHECK(hb && b.Num("add", {N(2), N(3)}) == 5, "B recreated");
  }

  Section("bundle load failures are errors");
  {
    void* h = A.create(js_broken.c_str(), LogSink, (void*)"X", 0, err, sizeof(err));
    CHECK(h == nullptr && std::strstr(err, "broken bundle on purpose"), "broken bundle: %s", err);
    std::printf("  error: %s\n", err);
    h = A.create(js_exits.c_str(), LogSink, (void*)"X", 0, err, sizeof(err));
    CHECK(h == nullptr && std::strstr(err, "process.exit(9)"), "exit on load: %s", err);
    h = A.create((js + "/missing.js").c_str(), LogSink, (void*)"X", 0, err, sizeof(err));
    CHECK(h == nullptr && std::strstr(err, "Cannot find module"), "missing bundle: %s", err);
  }

  Section("a library that hides the runtime's unique symbol fails cleanly");
  if (H.Load(lib_hidden_path)) {
    void* h = H.create(js_b.c_str(), LogSink, (void*)"H", 0, err, sizeof(err));
    CHECK(h == nullptr && std::strstr(err, "already initialised"), "hidden: %s", err);
    std::printf("  error: %s\n", err);
    CHECK(H.init_count() == 0 && A.init_count() == 1, "no second InitializeOncePerProcess");
  } else {
    CHECK(false, "cannot load the hidden-symbol library");
  }

  Section("100 create/destroy cycles");
  {
    // Warm-up cycle so lazily created per-process threads/fds exist before counting.
    void* h = A.create(js_cycle.c_str(), LogSink, (void*)"C", 0, err, sizeof(err));
    if (h) A.destroy(h);
    const int threads0 = ThreadCount(), fds0 = FdCount();
    const long rss0 = RssKb();
    const double c0 = NowMs();
    double create_total = 0;
    int ok = 0;
    for (int i = 0; i < 100; ++i) {
      const double s = NowMs();
      h = A.create(js_cycle.c_str(), LogSink, (void*)"C", 0, err, sizeof(err));
      create_total += NowMs() - s;
      if (!h) {
        CHECK(false, "cycle %d: %s", i, err);
        break;
      }
      Env e{&A, h, {0}};
      if (e.Num("ping") == 1) ++ok;
      A.destroy(h);
    }
    const double total = NowMs() - c0;
    const int threads1 = ThreadCount(), fds1 = FdCount();
    const long rss1 = RssKb();
    CHECK(ok == 100, "%d/100 cycles", ok);
    CHECK(threads1 == threads0, "threads %d -> %d", threads0, threads1);
    CHECK(fds1 == fds0, "fds %d -> %d", fds0, fds1);
    std::printf("  100 cycles: %.0f ms total, create %.1f ms avg, threads %d -> %d, fds %d -> %d, RSS %ld -> %ld KiB\n",
                total, create_total / 100, threads0, threads1, fds0, fds1, rss0, rss1);
  }

  Section("per-call cost (1M calls each, in-library loop; best of 3 interleaved rounds)");
  {
    struct Mode {
      const char* name;
      int drain;
      void* h;
      double trivial, str;
    } modes[] = {{"auto (default)", TP_DRAIN_AUTO, nullptr, 1e9, 1e9},
                 {"CallbackScope", TP_DRAIN_CALLBACK_SCOPE, nullptr, 1e9, 1e9},
                 {"PerformMicrotaskCheckpoint", TP_DRAIN_MICROTASKS, nullptr, 1e9, 1e9},
                 {"none", TP_DRAIN_NONE, nullptr, 1e9, 1e9}};
    auto raw = reinterpret_cast<double (*)(void*, const char*, long)>(dlsym(A.handle, "tp_bench_raw"));
    double raw_best = 1e9;
    for (Mode& m : modes) {
      m.h = A.create(js_a.c_str(), LogSink, (void*)"P", m.drain, err, sizeof(err));
      CHECK(m.h != nullptr, "bench env: %s", err);
    }
    for (int round = 0; round < 3; ++round) {
      for (Mode& m : modes) {
        if (!m.h) continue;
        m.trivial = std::min(m.trivial, A.bench(m.h, "trivial", 1000000, TP_WANT_NUMBER));
        m.str = std::min(m.str, A.bench(m.h, "str", 1000000, TP_WANT_STRING));
      }
      if (raw && modes[3].h) raw_best = std::min(raw_best, raw(modes[3].h, "trivial", 1000000));
    }
    for (Mode& m : modes) {
      if (!m.h) continue;
      std::printf("  drain=%-27s trivial (number) %5.0f ns/call   short string %5.0f ns/call\n", m.name, m.trivial,
                  m.str);
      CHECK(m.trivial > 0 && m.str > 0, "bench ran");
      A.destroy(m.h);
    }
    std::printf("  baseline: bare Locker+scopes+TryCatch+Function::Call   %5.0f ns/call\n", raw_best);
  }

  Section("SIGPIPE left at SIG_DFL by the host becomes SIG_IGN (child process)");
  {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", "falco_ts_runtime_test", "--sigpipe-probe", lib_a_path, js_b.c_str(), (char*)nullptr);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "probe status %d", status);
  }

  Section("teardown");
  A.destroy(ha);
  B.destroy(hb);
  {
    const std::vector<Disposition> after = SnapshotSignals();
    int changed = 0;
    for (int s = 1; s < NSIG; ++s) {
      if (after[s].handler != signals_before[s].handler || after[s].flags != signals_before[s].flags) ++changed;
    }
    CHECK(changed == 0, "%d signal dispositions changed by the end", changed);
    std::printf("  threads: %d at start (before Node), %d at the end (Node's per-process platform workers stay)\n",
                threads_at_start, ThreadCount());
  }

  std::printf("%s: %d checks, %d failures\n", g_failures == 0 ? "ALL PASSED" : "FAILED", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
