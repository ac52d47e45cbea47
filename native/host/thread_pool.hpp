// The host's thread pool for the routines plugins subscribe through the
// routine vtable of capture_open/capture_close (API 3.7), as libsinsp's pool
// runs them: each subscribed routine runs again and again on a pool thread,
// beside the event loop, until it returns 0 or is unsubscribed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "falco_plugin_api.h"

namespace fph {

// The threads of each pool. libsinsp's pool (BS::thread_pool by default) has
// as many as the machine has hardware threads; the host uses a fixed small
// number so that runs behave alike everywhere, and still more than one, so
// that routines run concurrently with each other as well as with the event
// loop.
constexpr unsigned kRoutineThreads = 2;

// Whether the calling thread is one of a pool's threads (a routine is
// running on it, or it waits for one).
bool on_routine_thread();

class ThreadPool {
public:
    // The threads start when the first owner is admitted (a run without
    // capture listening plugins starts none).
    explicit ThreadPool(unsigned threads);
    // Stops every routine (a running one finishes its run) and joins the
    // threads. Must not be called from a pool thread.
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Lets owner (one plugin state, whose routines get state) subscribe
    // routines until it is closed. Throws HostError if the threads cannot
    // start.
    void admit(const void* owner, ss_plugin_t* state);
    // Stops owner's routines and refuses its further subscriptions: returns
    // once none of them runs or will run again (a routine of owner running
    // on the calling thread excepted).
    void close(const void* owner);

    // Starts running fn(state, rs) repeatedly. Returns the routine's handle,
    // or nullptr with err set (owner not admitted, fn NULL).
    ss_plugin_routine_t* subscribe(const void* owner, ss_plugin_routine_fn_t fn,
                                   ss_plugin_routine_state_t* rs, std::string& err);
    // Returns once the routine will not run again: if it runs on another
    // thread, after that run (unless that thread, directly or through other
    // routines, waits for the caller's own routine: then at once). Fails
    // with err set for a handle that is not a routine of owner subscribed now.
    bool unsubscribe(const void* owner, ss_plugin_routine_t* handle, std::string& err);

    // Runs finished so far (since construction).
    uint64_t runs() const;

private:
    struct Routine {
        const void* owner = nullptr;
        ss_plugin_t* state = nullptr;
        ss_plugin_routine_fn_t fn = nullptr;
        ss_plugin_routine_state_t* rs = nullptr;
    };
    // What one pool thread does now (ids, 0 = nothing).
    struct Slot {
        uint64_t running = 0;
        const void* running_owner = nullptr;
        uint64_t waiting_for = 0;
    };

    void start_threads();  // with mutex_ held
    void thread_main(size_t slot);
    const Slot* slot_running(uint64_t id) const;
    bool waits_for_me(uint64_t id, const Slot* me) const;
    bool runs_routine_of(const void* owner, const Slot* except) const;
    Slot* my_slot();

    const unsigned nthreads_;
    mutable std::mutex mutex_;
    std::condition_variable work_cv_;  // a routine is ready, or the pool stops
    std::condition_variable done_cv_;  // a run finished
    std::map<uint64_t, Routine> routines_;     // subscribed, by id (the handle's value)
    std::deque<uint64_t> ready_;               // ids to run, in order (stale ones skipped)
    std::map<const void*, ss_plugin_t*> admitted_;
    std::vector<Slot> slots_;                  // one per thread
    std::vector<std::thread> threads_;
    uint64_t next_id_ = 1;
    uint64_t runs_ = 0;
    bool stopping_ = false;
};

}  // namespace fph
