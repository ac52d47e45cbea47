#include "plugin_state.hpp"

#include "common.hpp"

namespace fph {

PluginState::PluginState(const PluginLibrary& lib, const std::string& config, TableRegistry& registry)
    : lib_(lib), owner_(new Owner(lib.name(), registry)) {
    const auto& api = lib_.api();
    ss_plugin_init_input in{};
    in.config = config.c_str();
    in.owner = owner_->as_owner();
    in.get_owner_last_error = &Owner::get_owner_last_error;
    in.tables = lib_.has(CAP_EXTRACTION) || lib_.has(CAP_PARSING) ? owner_->tables_input()
                                                                   : nullptr;
    in.log_fn = &Owner::log;

    // A plugin that forgets to set rc must not be taken as successful.
    ss_plugin_rc rc = SS_PLUGIN_FAILURE;
    owner_->begin_call(TableCall::Init);
    ss_plugin_t* s = api.init(&in, &rc);
    owner_->end_call();
    if (rc != SS_PLUGIN_SUCCESS) {
        // the tables it added go with it
        registry.remove_tables_of(*owner_);
        std::string err = s != nullptr ? str_or_empty(api.get_last_error(s))
                                       : std::string("(init returned no state to read an error from)");
        if (s != nullptr) {
            api.destroy(s);
        }
        throw HostError("could not initialize plugin " + lib_.name() + ": " + err);
    }
    state_ = s;
    owner_->bind_plugin_last_error([this] { return last_error(); });
}

PluginState::~PluginState() {
    owner_->registry().remove_tables_of(*owner_);
    if (state_ != nullptr) {
        lib_.api().destroy(state_);
    }
}

std::string PluginState::last_error() const {
    if (state_ == nullptr) {
        return "(no plugin state to read an error from)";
    }
    return str_or_empty(lib_.api().get_last_error(state_));
}

}  // namespace fph
