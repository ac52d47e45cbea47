#include "thread_pool.hpp"

#include <cstdint>
#include <system_error>

#include "common.hpp"

namespace fph {

namespace {

// The pool and slot of the calling thread, when it is a pool thread.
thread_local const ThreadPool* t_pool = nullptr;
thread_local size_t t_slot = 0;

// A handle is the routine's id (never 0), not an address: a stale or made-up
// handle is looked up, never dereferenced, and ids are not reused.
ss_plugin_routine_t* handle_of(uint64_t id) {
    return reinterpret_cast<ss_plugin_routine_t*>(static_cast<uintptr_t>(id));
}

uint64_t id_of(ss_plugin_routine_t* handle) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(handle));
}

}  // namespace

bool on_routine_thread() { return t_pool != nullptr; }

ThreadPool::ThreadPool(unsigned threads) : nthreads_(threads == 0 ? 1 : threads) {}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        routines_.clear();
        ready_.clear();
        admitted_.clear();
    }
    work_cv_.notify_all();
    done_cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void ThreadPool::start_threads() {
    if (!threads_.empty()) return;
    slots_.resize(nthreads_);  // never resized again: threads keep references to their slot
    try {
        for (size_t i = 0; i < nthreads_; i++) {
            threads_.emplace_back(&ThreadPool::thread_main, this, i);
        }
    } catch (const std::system_error& e) {
        if (threads_.empty()) throw HostError(std::string("cannot start the routine thread pool: ") + e.what());
        // run with the threads that did start
    }
}

void ThreadPool::admit(const void* owner, ss_plugin_t* state) {
    std::lock_guard<std::mutex> lock(mutex_);
    start_threads();
    admitted_[owner] = state;
}

void ThreadPool::close(const void* owner) {
    std::unique_lock<std::mutex> lock(mutex_);
    admitted_.erase(owner);
    for (auto it = routines_.begin(); it != routines_.end();) {
        if (it->second.owner == owner) {
            it = routines_.erase(it);
        } else {
            ++it;
        }
    }
    const Slot* me = my_slot();
    done_cv_.wait(lock, [&] { return !runs_routine_of(owner, me); });
}

ss_plugin_routine_t* ThreadPool::subscribe(const void* owner, ss_plugin_routine_fn_t fn,
                                           ss_plugin_routine_state_t* rs, std::string& err) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto admitted = admitted_.find(owner);
    if (stopping_ || admitted == admitted_.end()) {
        err = "subscribe: routines can be subscribed only during a capture (from capture_open until "
              "capture_close returns)";
        return nullptr;
    }
    if (fn == nullptr) {
        err = "subscribe: the routine function is NULL";
        return nullptr;
    }
    const uint64_t id = next_id_++;
    routines_[id] = Routine{owner, admitted->second, fn, rs};
    ready_.push_back(id);
    work_cv_.notify_one();
    return handle_of(id);
}

bool ThreadPool::unsubscribe(const void* owner, ss_plugin_routine_t* handle, std::string& err) {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t id = id_of(handle);
    const auto it = routines_.find(id);
    if (handle == nullptr || it == routines_.end() || it->second.owner != owner) {
        err = "unsubscribe: " + std::string(handle == nullptr ? "the routine handle is NULL"
                                                              : "the handle is not a routine this plugin "
                                                                "has subscribed (unknown, already "
                                                                "unsubscribed, or stopped)");
        return false;
    }
    routines_.erase(it);  // never scheduled again
    Slot* me = my_slot();
    for (;;) {
        const Slot* runner = slot_running(id);
        if (runner == nullptr || runner == me) break;  // not running, or called from itself
        if (me != nullptr && waits_for_me(id, me)) break;  // waiting would deadlock
        if (me != nullptr) me->waiting_for = id;
        done_cv_.wait(lock);
        if (me != nullptr) me->waiting_for = 0;
    }
    return true;
}

uint64_t ThreadPool::runs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return runs_;
}

void ThreadPool::thread_main(size_t slot) {
    t_pool = this;
    t_slot = slot;
    std::unique_lock<std::mutex> lock(mutex_);
    Slot& me = slots_[slot];
    for (;;) {
        work_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
        if (stopping_) return;
        const uint64_t id = ready_.front();
        ready_.pop_front();
        const auto it = routines_.find(id);
        if (it == routines_.end()) continue;  // unsubscribed or stopped meanwhile
        const Routine r = it->second;
        me.running = id;
        me.running_owner = r.owner;
        lock.unlock();
        ss_plugin_bool again = 0;
        try {
            again = r.fn(r.state, r.rs);
        } catch (...) {
            again = 0;  // nothing escapes a pool thread: a throwing routine is stopped
        }
        lock.lock();
        me.running = 0;
        me.running_owner = nullptr;
        runs_++;
        const auto still = routines_.find(id);
        if (still != routines_.end()) {
            if (again != 0 && !stopping_) {
                ready_.push_back(id);
                work_cv_.notify_one();
            } else {
                routines_.erase(still);
            }
        }
        done_cv_.notify_all();
    }
}

const ThreadPool::Slot* ThreadPool::slot_running(uint64_t id) const {
    for (const Slot& s : slots_) {
        if (s.running == id) return &s;
    }
    return nullptr;
}

bool ThreadPool::waits_for_me(uint64_t id, const Slot* me) const {
    // follow "the thread running r waits for routine r'" from id: reaching
    // the caller's own slot is a cycle (at most one step per thread)
    uint64_t r = id;
    for (size_t step = 0; step <= slots_.size(); step++) {
        const Slot* s = slot_running(r);
        if (s == nullptr) return false;
        if (s == me) return true;
        if (s->waiting_for == 0) return false;
        r = s->waiting_for;
    }
    return false;
}

bool ThreadPool::runs_routine_of(const void* owner, const Slot* except) const {
    for (const Slot& s : slots_) {
        if (&s != except && s.running != 0 && s.running_owner == owner) return true;
    }
    return false;
}

ThreadPool::Slot* ThreadPool::my_slot() { return t_pool == this ? &slots_[t_slot] : nullptr; }

}  // namespace fph
