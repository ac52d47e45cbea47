// The host's driver of capture listening (API 3.7): capture_open of every
// loaded plugin with the capability once all the plugins are initialised,
// before the source opens; capture_close after the source has closed, each
// followed by the stop of the routines the plugin still has on the host's
// thread pool, before any state is destroyed.
#pragma once

#include <vector>

#include "falco_plugin_api.h"
#include "plugin_state.hpp"
#include "reporting.hpp"
#include "thread_pool.hpp"

namespace fph {

// The capture listening of one sequence of plugin states (init .. destroy).
// It must be destroyed before the states: its end stops their routines.
class ListeningDriver {
public:
    // The pool and the error reporter must outlive the driver.
    ListeningDriver(ThreadPool& pool, ErrorReporter& errors);
    // Closes the capture if it is still open (a capture that failed), and
    // stops every routine of the attached states.
    ~ListeningDriver();
    ListeningDriver(const ListeningDriver&) = delete;
    ListeningDriver& operator=(const ListeningDriver&) = delete;

    // Called for each plugin state in load order, after all are initialised:
    // a plugin with the capture listening capability is attached.
    void attach(PluginState& state);

    // capture_open of each attached plugin, its routines admitted to the
    // pool first. A failure is reported; the capture goes on.
    void open();
    // capture_close of each plugin whose capture_open was called, each
    // followed by the stop of that plugin's routines (waiting for a running
    // one). A failure is reported. Nothing if the capture is not open.
    void close();

private:
    struct Listener {
        PluginState* st = nullptr;
        ss_plugin_capture_listen_input in{};
        bool opened = false;
    };

    void call(Listener& l, TableCall call);

    ThreadPool& pool_;
    ErrorReporter& errors_;
    ss_plugin_routine_vtable routine_{};
    std::vector<Listener> listeners_;
    bool open_ = false;
};

}  // namespace fph
