// The host's driver of async events (set_async_event_handler, dump_state),
// as libsinsp drives them: the handler set on every plugin with async events
// when the capture starts and reset to NULL when it stops; each event the
// plugins push (from any of their threads) checked as libsinsp checks it
// (type 402 with 3 parameters, a name the plugin declared), copied, and
// handed to the event loop, which prints it among the events.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "falco_plugin_api.h"
#include "plugin_state.hpp"
#include "reporting.hpp"

namespace fph {

// One async event the host took: the plugin's name, the event's name and data.
struct AsyncEvent {
    std::string plugin;
    std::string name;
    std::string data;
    bool dump = false;
};

class AsyncDriver {
public:
    explicit AsyncDriver(ErrorReporter& errors) : errors_(errors) {}
    // Resets the handlers still set (a capture that failed).
    ~AsyncDriver();
    AsyncDriver(const AsyncDriver&) = delete;
    AsyncDriver& operator=(const AsyncDriver&) = delete;

    // Called for each plugin state in load order: one with async events is attached.
    void attach(PluginState& state);

    // set_async_event_handler with the host's handler, on every attached
    // state; a refusal is reported.
    void open();
    // set_async_event_handler with NULL; a refusal is reported.
    void close();
    // dump_state of every attached state exporting it; its events are taken
    // as dumped. A failure is reported with libsinsp's words.
    void dump();

    // The events taken since the last call, in arrival order.
    std::vector<AsyncEvent> take();

private:
    struct Producer {
        AsyncDriver* driver = nullptr;
        PluginState* st = nullptr;
        bool installed = false;
        bool dumping = false;
    };

    static ss_plugin_rc handle(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err);
    static ss_plugin_rc handle_dump(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err);
    // Both handlers: libsinsp's checks, then the copy, nothing thrown into the plugin.
    template <bool Dump>
    static ss_plugin_rc handle_as(ss_plugin_owner_t* o, const ss_plugin_event* evt, char* err);
    // The checks of libsinsp's handler, then the copy. False: `why` says what is wrong.
    bool receive(Producer& p, const ss_plugin_event* evt, bool dump, std::string& why);

    ErrorReporter& errors_;
    std::vector<Producer> producers_;  // reserved at attach: never moves once handed out
    std::mutex mutex_;                 // events_ and the producers' flags
    std::vector<AsyncEvent> events_;
};

}  // namespace fph
