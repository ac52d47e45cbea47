// The event types a plugin takes for one capability (get_extract_event_types,
// get_parse_event_types), as a set over every type code.
#pragma once

#include <bitset>
#include <cstdint>

#include "falco_plugin_api.h"

namespace fph {

using EventTypes = std::bitset<65536>;

using EventTypesFn = uint16_t* (*)(uint32_t* numtypes, ss_plugin_t* s);

// Sets in types what get (when the plugin exports it) lists for the state s;
// returns false when it listed none (the caller applies libsinsp's default).
inline bool read_event_types(EventTypesFn get, ss_plugin_t* s, EventTypes& types) {
    if (get == nullptr) return false;
    uint32_t n = 0;
    const uint16_t* list = get(&n, s);
    if (list == nullptr) return false;
    for (uint32_t i = 0; i < n; i++) types.set(list[i]);
    return n > 0;
}

}  // namespace fph
