// C interface of the runtime test libraries (what the driver dlsym()s). Two libraries are built
// from test_plugin.cc, each with its own copy of the static runtime, like two plugin .so files.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*tp_log_fn)(void* user, int severity, const char* msg, size_t len);

typedef struct {
  int kind;  // TP_ARG_*
  double num;
  const char* str;
} tp_arg;

enum { TP_ARG_NUMBER = 0, TP_ARG_STRING = 1, TP_ARG_BIGUINT64 = 2 };
enum { TP_WANT_VOID = 0, TP_WANT_NUMBER = 1, TP_WANT_STRING = 2 };
enum { TP_DRAIN_AUTO = 0, TP_DRAIN_CALLBACK_SCOPE = 1, TP_DRAIN_MICROTASKS = 2, TP_DRAIN_NONE = 3 };

const char* tp_name(void);
int tp_init_count(void);
const void* tp_state_addr(void);
double tp_process_init_ms(void);

void* tp_create(const char* bundle, tp_log_fn log, void* user, int drain, char* err, size_t errlen);
void tp_destroy(void* h);
double tp_startup_ms(void* h);
int tp_alive(void* h);
int tp_exit_code(void* h);
int tp_effective_drain(void* h);  // TP_DRAIN_*
void tp_force_stop(void* h);

// Returns 1 on success (number in *num, string in out), 0 on error (message in out).
int tp_call(void* h, const char* fn, const tp_arg* args, int argc, int want, double* num, char* out, size_t cap,
            int timeout_ms);
int tp_pop_async_error(void* h, char* out, size_t cap);

// Calls fn(i) n times in a tight loop inside the library; returns ns per call (<0 on error).
double tp_bench(void* h, const char* fn, long n, int want);

#ifdef __cplusplus
}
#endif
