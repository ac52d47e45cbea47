// RAII wrappers of a plugin state (init .. destroy) and of an open capture
// (open .. close), with libscap's next_batch semantics.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>

#include "owner.hpp"
#include "plugin_library.hpp"

namespace fph {

class PluginState {
public:
    // Calls plugin_init with the given (already validated) config. On failure
    // reads get_last_error from the returned state, destroys it and throws.
    PluginState(const PluginLibrary& lib, const std::string& config);
    ~PluginState();
    PluginState(const PluginState&) = delete;
    PluginState& operator=(const PluginState&) = delete;

    const PluginLibrary& lib() const { return lib_; }
    ss_plugin_t* state() const { return state_; }
    Owner& owner() { return *owner_; }
    std::string last_error() const;

    // Event types the plugin extracts from (get_extract_event_types after
    // init, with libsinsp's defaults).
    bool extracts_event_type(uint16_t type) const { return extract_types_.test(type); }

private:
    const PluginLibrary& lib_;
    std::unique_ptr<Owner> owner_;
    ss_plugin_t* state_ = nullptr;
    std::bitset<65536> extract_types_;
};

class SourceInstance {
public:
    enum class Next { Event, Timeout, Eof };

    SourceInstance(PluginState& st, const std::string& params);
    ~SourceInstance();
    SourceInstance(const SourceInstance&) = delete;
    SourceInstance& operator=(const SourceInstance&) = delete;

    // Delivers the next event like libscap's source plugin engine: the events
    // of a batch come first, the batch's result code is acted on at the next
    // call. Timeout: call again. Eof: the capture is over. Failures (plugin
    // errors, malformed events) throw HostError. The returned event stays
    // valid until the next call.
    Next next(ss_plugin_event*& evt);

    // plugin_get_progress, when exported. Returns false if not available.
    bool progress(uint32_t& pct, std::string& text);

    uint64_t batches() const { return batches_; }

private:
    Next act_on(ss_plugin_rc rc);
    void check_event(ss_plugin_event* evt);

    PluginState& st_;
    ss_instance_t* inst_ = nullptr;
    uint32_t nevts_ = 0;
    uint32_t idx_ = 0;
    ss_plugin_event** evts_ = nullptr;
    ss_plugin_rc pending_ = SS_PLUGIN_SUCCESS;
    uint64_t batches_ = 0;
};

}  // namespace fph
