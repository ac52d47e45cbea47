#include "config_driver.hpp"

#include "common.hpp"

namespace fph {

ConfigUpdate prepare_config_update(const PluginLibrary& lib, size_t plugin, uint64_t after,
                                   const std::string& config) {
    ConfigUpdate u;
    u.plugin = plugin;
    u.after = after;
    try {
        u.config = lib.prepare_config(config);
    } catch (const HostError& e) {
        u.invalid = std::string("set_config: ") + e.what();
    }
    return u;
}

ConfigDriver::ConfigDriver(const std::vector<ConfigUpdate>& updates, ErrorReporter& errors)
    : updates_(updates), errors_(errors) {}

void ConfigDriver::attach(size_t plugin, PluginState& state) {
    if (states_.size() <= plugin) states_.resize(plugin + 1, nullptr);
    states_[plugin] = &state;
}

void ConfigDriver::apply(uint64_t evtnum) {
    while (next_ < updates_.size() && updates_[next_].after <= evtnum) {
        apply_one(updates_[next_]);
        next_++;
    }
}

void ConfigDriver::apply_one(const ConfigUpdate& u) {
    if (u.plugin >= states_.size() || states_[u.plugin] == nullptr) return;
    PluginState& st = *states_[u.plugin];
    if (!u.invalid.empty()) {
        errors_.report(u.invalid);  // the plugin is not called
        return;
    }
    const auto set_config = st.lib().api().set_config;
    if (set_config == nullptr) {
        errors_.report("set_config: plugin " + st.lib().name() + " does not export plugin_set_config");
        return;
    }
    ss_plugin_set_config_input in{};
    in.config = u.config.c_str();
    if (set_config(st.state(), &in) != SS_PLUGIN_SUCCESS) {
        errors_.report("set_config failed for plugin " + st.lib().name() + ": " + st.last_error());
    }
}

}  // namespace fph
