// An event the source delivered, as every per-event driver takes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "falco_plugin_api.h"

namespace fph {

// The input of the per-event plugin calls (event_to_string, extract_fields)
// and the header fields the drivers read, copied out of the packed header.
struct DeliveredEvent {
    ss_plugin_event_input input{};
    uint16_t type = 0;
    uint32_t len = 0;  // total length, header included

    DeliveredEvent(const ss_plugin_event* evt, uint64_t evtnum, const char* evtsrc) {
        input.evt = evt;
        input.evtnum = evtnum;
        input.evtsrc = evtsrc;
        const auto* raw = reinterpret_cast<const uint8_t*>(evt);
        std::memcpy(&type, raw + offsetof(ss_plugin_event, type), sizeof(type));
        std::memcpy(&len, raw + offsetof(ss_plugin_event, len), sizeof(len));
    }

    uint64_t evtnum() const { return input.evtnum; }

    uint64_t ts() const {
        uint64_t ts = 0;
        std::memcpy(&ts, input.evt, sizeof(ts));
        return ts;
    }
};

}  // namespace fph
