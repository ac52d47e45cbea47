// The host's driver of config updates (set_config, API 3.4): the --set-config
// of each plugin applied to its state right after the init of all the plugins
// (before capture_open) or after a given event of the capture, each config
// validated against the plugin's init schema first, as libsinsp does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin_state.hpp"
#include "reporting.hpp"

namespace fph {

struct ConfigUpdate {
    size_t plugin = 0;    // index in the loaded plugin list (0 = the source)
    uint64_t after = 0;   // applied after this event of the capture (0: before capture_open)
    std::string config;   // as validated (with an init schema, "" is "{}")
    std::string invalid;  // the validation's failure: reported instead of calling the plugin
};

// Validates a --set-config as libsinsp does before set_config (the same
// validation as init configs: PluginLibrary::prepare_config).
ConfigUpdate prepare_config_update(const PluginLibrary& lib, size_t plugin, uint64_t after,
                                   const std::string& config);

// The updates of one sequence of plugin states (init .. destroy).
class ConfigDriver {
public:
    // updates (ordered by `after`; among equals, by plugin in load order,
    // then in command-line order) and the error reporter must outlive the
    // driver.
    ConfigDriver(const std::vector<ConfigUpdate>& updates, ErrorReporter& errors);
    ConfigDriver(const ConfigDriver&) = delete;
    ConfigDriver& operator=(const ConfigDriver&) = delete;

    // Called right after the init of each plugin state, in load order.
    void attach(size_t plugin, PluginState& state);

    // Applies the updates due after event evtnum (0: before the capture):
    // set_config of the plugin, a failure reported (the plugin keeps running
    // with the config it had). Updates due after events the capture never
    // reaches are not applied.
    void after_event(uint64_t evtnum) {
        if (next_ < updates_.size() && updates_[next_].after <= evtnum) apply(evtnum);
    }

private:
    void apply(uint64_t evtnum);
    void apply_one(const ConfigUpdate& u);

    const std::vector<ConfigUpdate>& updates_;
    ErrorReporter& errors_;
    std::vector<PluginState*> states_;  // by plugin index
    size_t next_ = 0;                   // the first update not applied yet
};

}  // namespace fph
