#include "listening_driver.hpp"

#include <string>

#include "owner.hpp"

namespace fph {

namespace {

// The routine vtable: the owner's plugin state subscribes on the pool bound
// to the owner. Called from any thread (routines subscribe and unsubscribe
// too); nothing is thrown into the plugin.
ss_plugin_routine_t* subscribe_routine(ss_plugin_owner_t* o, ss_plugin_routine_fn_t fn,
                                       ss_plugin_routine_state_t* rs) {
    if (o == nullptr) return nullptr;
    Owner* owner = Owner::from(o);
    try {
        ThreadPool* pool = owner->routines();
        if (pool == nullptr) {
            owner->set_error("subscribe: routines can be subscribed only during a capture");
            return nullptr;
        }
        std::string err;
        ss_plugin_routine_t* handle = pool->subscribe(owner, fn, rs, err);
        if (handle == nullptr) owner->set_error(err);
        return handle;
    } catch (const std::exception& e) {
        try {
            owner->set_error(std::string("subscribe: ") + e.what());
        } catch (...) {
        }
    } catch (...) {
    }
    return nullptr;
}

ss_plugin_rc unsubscribe_routine(ss_plugin_owner_t* o, ss_plugin_routine_t* r) {
    if (o == nullptr) return SS_PLUGIN_FAILURE;
    Owner* owner = Owner::from(o);
    try {
        ThreadPool* pool = owner->routines();
        std::string err = "unsubscribe: this plugin has subscribed no routine";
        if (pool != nullptr && pool->unsubscribe(owner, r, err)) return SS_PLUGIN_SUCCESS;
        owner->set_error(err);
    } catch (const std::exception& e) {
        try {
            owner->set_error(std::string("unsubscribe: ") + e.what());
        } catch (...) {
        }
    } catch (...) {
    }
    return SS_PLUGIN_FAILURE;
}

}  // namespace

ListeningDriver::ListeningDriver(ThreadPool& pool, ErrorReporter& errors) : pool_(pool), errors_(errors) {
    routine_.subscribe = &subscribe_routine;
    routine_.unsubscribe = &unsubscribe_routine;
}

ListeningDriver::~ListeningDriver() {
    try {
        close();
    } catch (...) {
        // reporting failed: the routines are stopped below all the same
    }
    for (Listener& l : listeners_) {
        try {
            pool_.close(&l.st->owner());
        } catch (...) {
        }
    }
}

void ListeningDriver::attach(PluginState& state) {
    if (!state.lib().has(CAP_CAPTURE_LISTENING)) return;
    Owner& owner = state.owner();
    owner.bind_routines(pool_);
    Listener l;
    l.st = &state;
    l.in.owner = owner.as_owner();
    l.in.routine = &routine_;
    l.in.table_reader_ext = owner.table_reader_ext();
    l.in.table_writer_ext = owner.table_writer_ext();
    l.in.get_owner_last_error = &Owner::get_owner_last_error;
    listeners_.push_back(l);
}

void ListeningDriver::open() {
    open_ = true;
    for (Listener& l : listeners_) {
        pool_.admit(&l.st->owner(), l.st->state());
        l.opened = true;
        call(l, TableCall::CaptureOpen);
    }
}

void ListeningDriver::close() {
    if (!open_) return;
    open_ = false;
    for (Listener& l : listeners_) {
        if (!l.opened) continue;
        l.opened = false;
        call(l, TableCall::CaptureClose);
        // after the plugin's capture_close: what it left subscribed stops now
        pool_.close(&l.st->owner());
    }
}

void ListeningDriver::call(Listener& l, TableCall call) {
    const auto& api = l.st->lib().api();
    const bool opening = call == TableCall::CaptureOpen;
    Owner& owner = l.st->owner();
    owner.begin_call(call);
    const ss_plugin_rc rc =
        opening ? api.capture_open(l.st->state(), &l.in) : api.capture_close(l.st->state(), &l.in);
    owner.end_call();
    if (rc != SS_PLUGIN_SUCCESS) {
        errors_.report(std::string(opening ? "capture_open" : "capture_close") + " failed for plugin " +
                       l.st->lib().name() + ": " + l.st->last_error());
    }
}

}  // namespace fph
