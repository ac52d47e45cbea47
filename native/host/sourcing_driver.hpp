// The host's driver of event sourcing: an open capture of a source plugin
// state (open .. close), read with libscap's next_batch semantics, its
// progress, its events' event_to_string text, and the plugin's open params
// list.
#pragma once

#include <cstdint>
#include <string>

#include "delivered_event.hpp"
#include "plugin_state.hpp"

namespace fph {

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

    // evt.plugininfo: event_to_string of the source plugin for its own plugin
    // events, with libsinsp's fallback when it returns nothing. Returns false
    // (no value) for other events.
    bool event_info(const DeliveredEvent& event, std::string& text) const;

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

// plugin_list_open_params of a source plugin state. Listed: json holds what
// it returned; Failed: the plugin's last error tells why.
enum class OpenParamsList { NotExported, Failed, Listed };
OpenParamsList list_open_params(const PluginState& st, std::string& json);

}  // namespace fph
