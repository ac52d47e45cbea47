#include "event_schema.hpp"

#include "common.hpp"
#include "event_types.hpp"

namespace fph {

namespace {

// The event types of one capability (get_parse_event_types or
// get_extract_event_types) as libsinsp resolves them.
bool any_non_plugin_type(EventTypesFn get, ss_plugin_t* s, bool syscall_compatible) {
    EventTypes types;
    if (!read_event_types(get, s, types)) return syscall_compatible;  // every type, or the plugin event
    types.reset(FALCO_PLUGIN_EVENT_TYPE_PLUGIN);
    return types.any();
}

bool parse_sources_take_syscall(const PluginLibrary& lib) {
    const auto& sources = lib.parse_event_sources();
    return sources.empty() || sources.count(kSyscallSource) > 0;
}

}  // namespace

std::optional<std::string> required_event_schema_version(const PluginLibrary& lib, ss_plugin_t* s) {
    const auto get = lib.api().get_required_event_schema_version;
    if (get == nullptr) return std::nullopt;
    const char* v = get(s);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

bool takes_non_plugin_events(const PluginState& st) {
    const PluginLibrary& lib = st.lib();
    const auto& api = lib.api();
    if (lib.has(CAP_PARSING) &&
        any_non_plugin_type(api.get_parse_event_types, st.state(), parse_sources_take_syscall(lib))) {
        return true;
    }
    return lib.has(CAP_EXTRACTION) && any_non_plugin_type(api.get_extract_event_types, st.state(),
                                                          lib.extract_compatible(kSyscallSource));
}

void check_event_schema_version(const PluginState& st) {
    const PluginLibrary& lib = st.lib();
    if (lib.api().get_required_event_schema_version == nullptr) return;
    if (!takes_non_plugin_events(st)) return;

    const auto required = required_event_schema_version(lib, st.state());
    Version need{3, 0, 0};  // NULL: the schema before the check existed
    if (required && !parse_version(required->c_str(), need)) {
        throw HostError("plugin " + lib.name() + " returned a malformed required event schema version '" +
                        *required + "' from get_required_event_schema_version (expected " +
                        "<major>.<minor>.<patch>)");
    }
    const Version& host = kHostEventSchemaVersion;
    const char* why = nullptr;
    if (need.major != host.major) {
        why = "the major versions differ";
    } else if (need.minor > host.minor) {
        why = "the host's minor version is lower";
    } else if (need.minor == host.minor && need.patch > host.patch) {
        why = "the host's patch version is lower";
    }
    if (why == nullptr) return;
    const std::string shown =
        required ? "'" + *required + "'" : "3.0.0 (get_required_event_schema_version returned NULL)";
    throw HostError("plugin " + lib.name() + " requires event schema version " + shown +
                    ", which the host's event schema version " + version_string(host) +
                    " does not satisfy: " + why);
}

}  // namespace fph
