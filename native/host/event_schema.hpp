// The event schema version check (API 3.12): a plugin that parses or
// extracts from non-plugin events says which event schema it needs with
// get_required_event_schema_version, and the host refuses it when the events
// it delivers follow an incompatible schema.
#pragma once

#include <optional>
#include <string>

#include "falco_plugin_api.h"
#include "plugin_library.hpp"
#include "plugin_state.hpp"

namespace fph {

// The event schema version the host's events follow: the SCHEMA_VERSION of
// the falcosecurity/libs the host mirrors (driver/SCHEMA_VERSION, 4.5.1 at the
// libs commit 48dfd53c of 2026-07-22). Update it together with that file.
#define FPH_EVENT_SCHEMA_VERSION_MAJOR 4
#define FPH_EVENT_SCHEMA_VERSION_MINOR 5
#define FPH_EVENT_SCHEMA_VERSION_PATCH 1
#define FPH_EVENT_SCHEMA_VERSION_STR                             \
    FALCO_PLUGIN_API_STRINGIFY(FPH_EVENT_SCHEMA_VERSION_MAJOR)   \
    "." FALCO_PLUGIN_API_STRINGIFY(FPH_EVENT_SCHEMA_VERSION_MINOR) \
    "." FALCO_PLUGIN_API_STRINGIFY(FPH_EVENT_SCHEMA_VERSION_PATCH)
constexpr Version kHostEventSchemaVersion{FPH_EVENT_SCHEMA_VERSION_MAJOR, FPH_EVENT_SCHEMA_VERSION_MINOR,
                                          FPH_EVENT_SCHEMA_VERSION_PATCH};

// What get_required_event_schema_version returns for the state s (the API
// allows a NULL state: `info` has none); nullopt when the plugin does not
// export it or it returns NULL.
std::optional<std::string> required_event_schema_version(const PluginLibrary& lib, ss_plugin_t* s);

// Whether the state parses or extracts from event types other than the
// plugin event (322), with its type lists resolved as libsinsp resolves them
// after init: an empty list is every type when the capability's event
// sources take the syscall source (none declared, or "syscall" among them),
// else the plugin event only.
bool takes_non_plugin_events(const PluginState& st);

// libsinsp's check, made after the plugins' init and before the capture
// opens: for a state that takes non-plugin events, the required version (NULL
// meaning 3.0.0) must be one kHostEventSchemaVersion satisfies: same major, a
// minor (then patch) not above the host's. Throws HostError naming both
// versions, or the malformed one. libsinsp checks when its engine reports a
// schema version (the kernel drivers; not a source plugin's engine), plugins
// without the symbol too (as 3.0.0); the host checks the plugins that export
// it, so that a plugin without it behaves as it does without this check.
void check_event_schema_version(const PluginState& st);

}  // namespace fph
