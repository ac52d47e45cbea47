// The parts of a plugin library's payload (payload.cc) that are not static information.
#pragma once

#include <string_view>

namespace falco_ts {

// The V8 code cache `falco-plugin build` made for this library (empty: none, or the payload is
// unreadable): a read-only mapping of the library file, valid for the life of the process, whose pages
// may be dropped from memory at any time (rt::EnvironmentOptions::code_cache_mapped).
std::string_view PayloadCodeCache();

}  // namespace falco_ts
