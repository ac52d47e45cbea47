#include "sourcing_driver.hpp"

#include <cctype>
#include <cstring>

#include "common.hpp"

namespace fph {

SourceInstance::SourceInstance(PluginState& st, const std::string& params) : st_(st) {
    const auto& api = st_.lib().api();
    ss_plugin_rc rc = SS_PLUGIN_FAILURE;
    ss_instance_t* h = api.open(st_.state(), params.c_str(), &rc);
    if (rc != SS_PLUGIN_SUCCESS) {
        const std::string err = st_.last_error();
        if (h != nullptr) {
            api.close(st_.state(), h);  // should not happen, but never leak it
        }
        throw HostError("could not open plugin " + st_.lib().name() + " with params '" + params +
                        "': " + err);
    }
    inst_ = h;
}

SourceInstance::~SourceInstance() { st_.lib().api().close(st_.state(), inst_); }

SourceInstance::Next SourceInstance::act_on(ss_plugin_rc rc) {
    switch (rc) {
    case SS_PLUGIN_SUCCESS: return Next::Timeout;  // not reached: caller handles it
    case SS_PLUGIN_TIMEOUT: return Next::Timeout;
    case SS_PLUGIN_EOF: return Next::Eof;
    case SS_PLUGIN_FAILURE:
        throw HostError("plugin " + st_.lib().name() + " next_batch failed: " + st_.last_error());
    case SS_PLUGIN_NOT_SUPPORTED:
        throw HostError("plugin " + st_.lib().name() +
                        " next_batch returned SS_PLUGIN_NOT_SUPPORTED: " + st_.last_error());
    }
    throw HostError("plugin " + st_.lib().name() + " next_batch returned an unknown result code " +
                    std::to_string(static_cast<int>(rc)) + ": " + st_.last_error());
}

SourceInstance::Next SourceInstance::next(ss_plugin_event*& evt) {
    for (;;) {
        if (idx_ < nevts_) {
            evt = evts_[idx_++];
            check_event(evt);
            return Next::Event;
        }
        if (pending_ != SS_PLUGIN_SUCCESS) {
            const ss_plugin_rc rc = pending_;
            pending_ = SS_PLUGIN_SUCCESS;
            return act_on(rc);
        }
        nevts_ = 0;
        idx_ = 0;
        evts_ = nullptr;
        const ss_plugin_rc rc = st_.lib().api().next_batch(st_.state(), inst_, &nevts_, &evts_);
        batches_++;
        if (nevts_ == 0) {
            if (rc == SS_PLUGIN_SUCCESS) {
                throw HostError("unexpected 0 size event returned by plugin " + st_.lib().name());
            }
            return act_on(rc);
        }
        if (evts_ == nullptr) {
            const uint32_t n = nevts_;
            nevts_ = 0;
            throw HostError("plugin " + st_.lib().name() + " next_batch returned " +
                            std::to_string(n) + " events but a NULL event array");
        }
        pending_ = rc;  // acted on once the batch is consumed
    }
}

void SourceInstance::check_event(ss_plugin_event* evt) {
    const auto& lib = st_.lib();
    if (evt == nullptr) {
        throw HostError("plugin " + lib.name() + " returned a NULL event pointer in its batch");
    }
    auto* raw = reinterpret_cast<uint8_t*>(evt);
    uint32_t len = 0;
    uint16_t type = 0;
    uint32_t nparams = 0;
    std::memcpy(&len, raw + offsetof(ss_plugin_event, len), sizeof(len));
    if (len < FALCO_PLUGIN_EVENT_HEADER_SIZE) {
        throw HostError("malformed event produced by plugin '" + lib.name() + "': len " +
                        std::to_string(len) + " is shorter than the 26-byte header");
    }
    std::memcpy(&type, raw + offsetof(ss_plugin_event, type), sizeof(type));
    std::memcpy(&nparams, raw + offsetof(ss_plugin_event, nparams), sizeof(nparams));

    const bool plugin_event = type == FALCO_PLUGIN_EVENT_TYPE_PLUGIN;
    if (lib.id() != 0 && (!plugin_event || nparams != FALCO_PLUGIN_EVENT_PLUGIN_NPARAMS)) {
        throw HostError("malformed plugin event produced by plugin '" + lib.name() + "': type " +
                        std::to_string(type) + " with " + std::to_string(nparams) +
                        " params (expected type 322 with 2 params)");
    }
    if (plugin_event) {
        if (nparams != FALCO_PLUGIN_EVENT_PLUGIN_NPARAMS || len < PLUGIN_EVENT_PAYLOAD_OFFSET) {
            throw HostError("malformed plugin event produced by plugin '" + lib.name() +
                            "': len " + std::to_string(len) + ", " + std::to_string(nparams) +
                            " params");
        }
        uint32_t len_id = 0;
        uint32_t len_payload = 0;
        std::memcpy(&len_id, raw + FALCO_PLUGIN_EVENT_HEADER_SIZE, 4);
        std::memcpy(&len_payload, raw + FALCO_PLUGIN_EVENT_HEADER_SIZE + 4, 4);
        if (len_id != 4 || uint64_t{PLUGIN_EVENT_PAYLOAD_OFFSET} + len_payload != len) {
            throw HostError("malformed plugin event produced by plugin '" + lib.name() +
                            "': parameter lengths (" + std::to_string(len_id) + ", " +
                            std::to_string(len_payload) + ") do not match event len " +
                            std::to_string(len));
        }
        uint8_t* pid = raw + FALCO_PLUGIN_EVENT_HEADER_SIZE + 8;
        uint32_t plugin_id = 0;
        std::memcpy(&plugin_id, pid, 4);
        if (lib.id() != 0) {
            if (plugin_id == 0) {
                plugin_id = lib.id();
                std::memcpy(pid, &plugin_id, 4);
            } else if (plugin_id != lib.id()) {
                throw HostError("unexpected plugin ID in plugin event: plugin='" + lib.name() +
                                "', expected_id=" + std::to_string(lib.id()) +
                                ", actual_id=" + std::to_string(plugin_id));
            }
        }
        if (plugin_id == 0) {
            throw HostError("malformed plugin event produced by plugin (no ID): '" + lib.name() +
                            "'");
        }
        const uint64_t no_tid = UINT64_MAX;  // plugin events have no thread
        std::memcpy(raw + offsetof(ss_plugin_event, tid), &no_tid, sizeof(no_tid));
    }
    uint64_t ts = 0;
    std::memcpy(&ts, raw + offsetof(ss_plugin_event, ts), sizeof(ts));
    if (ts == UINT64_MAX) {
        ts = realtime_ns();
        std::memcpy(raw + offsetof(ss_plugin_event, ts), &ts, sizeof(ts));
    }
}

bool SourceInstance::progress(uint32_t& pct, std::string& text) {
    const auto& api = st_.lib().api();
    if (api.get_progress == nullptr) {
        return false;
    }
    uint32_t p = 0;
    text = str_or_empty(api.get_progress(st_.state(), inst_, &p));
    pct = p;
    return true;
}

bool SourceInstance::event_info(const DeliveredEvent& event, std::string& text) const {
    if (event.type != FALCO_PLUGIN_EVENT_TYPE_PLUGIN) return false;
    const auto* raw = reinterpret_cast<const uint8_t*>(event.input.evt);
    uint32_t id = 0;
    std::memcpy(&id, raw + FALCO_PLUGIN_EVENT_HEADER_SIZE + 8, 4);
    if (id != st_.lib().id()) return false;
    const auto& api = st_.lib().api();
    if (st_.state() != nullptr && api.event_to_string != nullptr) {
        const char* s = api.event_to_string(st_.state(), &event.input);
        if (s != nullptr) text = s;
    }
    if (text.empty()) {
        const uint32_t data_len = event.len - PLUGIN_EVENT_PAYLOAD_OFFSET;
        const auto* data = raw + PLUGIN_EVENT_PAYLOAD_OFFSET;
        const uint32_t shown = data_len < 50 ? data_len : 50;
        text = "datalen=" + std::to_string(data_len) + " data=";
        for (uint32_t i = 0; i < shown; i++) {
            if (!std::isprint(data[i])) {
                text += "<binary>";
                return true;
            }
        }
        text.append(reinterpret_cast<const char*>(data), shown);
        if (data_len > 50) text += "...";
    }
    return true;
}

OpenParamsList list_open_params(const PluginState& st, std::string& json) {
    const auto list = st.lib().api().list_open_params;
    if (list == nullptr) return OpenParamsList::NotExported;
    ss_plugin_rc rc = SS_PLUGIN_FAILURE;
    const char* text = list(st.state(), &rc);
    if (rc != SS_PLUGIN_SUCCESS) return OpenParamsList::Failed;
    json = str_or_empty(text);
    return OpenParamsList::Listed;
}

}  // namespace fph
