// RAII wrapper of a plugin state (init .. destroy), what every capability's
// driver calls the plugin through.
#pragma once

#include <memory>
#include <string>

#include "owner.hpp"
#include "plugin_library.hpp"
#include "table_registry.hpp"

namespace fph {

class PluginState {
public:
    // Calls plugin_init with the given (already validated) config, the
    // cycle's tables reachable through the registry (which must outlive the
    // state). On failure reads get_last_error from the returned state,
    // destroys it and throws.
    PluginState(const PluginLibrary& lib, const std::string& config, TableRegistry& registry);
    ~PluginState();
    PluginState(const PluginState&) = delete;
    PluginState& operator=(const PluginState&) = delete;

    const PluginLibrary& lib() const { return lib_; }
    ss_plugin_t* state() const { return state_; }
    Owner& owner() { return *owner_; }
    std::string last_error() const;

private:
    const PluginLibrary& lib_;
    std::unique_ptr<Owner> owner_;
    ss_plugin_t* state_ = nullptr;
};

}  // namespace fph
