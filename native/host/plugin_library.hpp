// Loading a plugin shared library the way libsinsp does, and reading its
// static (state-less) information.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "falco_plugin_api.h"
#include "field_info.hpp"

namespace fph {

enum Capability : uint32_t {
    CAP_SOURCING = 1u << 0,
    CAP_EXTRACTION = 1u << 1,
    CAP_PARSING = 1u << 2,
    CAP_ASYNC = 1u << 3,
    CAP_CAPTURE_LISTENING = 1u << 4,
};

// The event source name libsinsp uses for non-plugin (kernel) events, and the
// one events of a source plugin without a specific id/source belong to.
constexpr const char* kSyscallSource = "syscall";

struct Version {
    uint32_t major = 0;
    uint32_t minor = 0;
    uint32_t patch = 0;
};

// "<major>.<minor>.<patch>" as the libs read it (sscanf of three unsigned
// numbers: what follows them is ignored); false if s is NULL or is not that.
bool parse_version(const char* s, Version& out);
std::string version_string(const Version& v);

class PluginLibrary {
public:
    // dlopen(RTLD_LOCAL|RTLD_NOW) + symbol resolution + the checks libsinsp
    // does when loading (API version, required symbols, capabilities, fields
    // JSON, event sources). Throws HostError with a clear message.
    static std::unique_ptr<PluginLibrary> load(const std::string& path);

    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;
    ~PluginLibrary();

    const plugin_api& api() const { return api_; }
    const std::string& path() const { return path_; }
    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    const std::string& description() const { return description_; }
    const std::string& contact() const { return contact_; }
    const std::string& required_api_version_str() const { return required_api_version_str_; }
    const Version& required_api_version() const { return required_api_version_; }

    uint32_t caps() const { return caps_; }
    bool has(Capability c) const { return (caps_ & c) != 0; }
    static std::vector<std::string> capability_names(uint32_t caps);

    // Sourcing: 0 and "" for a source without a specific event source.
    uint32_t id() const { return id_; }
    const std::string& event_source() const { return event_source_; }
    // The name of the event source this plugin's events belong to.
    std::string produced_source() const {
        return event_source_.empty() ? std::string(kSyscallSource) : event_source_;
    }

    const std::vector<FieldInfo>& fields() const { return fields_; }
    const FieldInfo* find_field(const std::string& name) const;

    // Extraction event sources as libsinsp resolves them: the declared ones
    // plus the plugin's own source; empty means "compatible with all".
    const std::set<std::string>& extract_event_sources() const { return extract_sources_; }
    bool extract_compatible(const std::string& source) const {
        return extract_sources_.empty() || extract_sources_.count(source) > 0;
    }
    const std::set<std::string>& parse_event_sources() const { return parse_sources_; }
    const std::vector<std::string>& async_events() const { return async_events_; }

    // Init schema, read once at load time (get_init_schema is state-less).
    ss_plugin_schema_type schema_type() const { return schema_type_; }
    const std::string& schema() const { return schema_; }

    // libsinsp's validate_config: if the plugin returns a JSON schema, an
    // empty config becomes "{}" and the config is validated against the
    // schema (only the top-most error is reported). Returns the config to
    // pass to init; throws HostError on failure.
    std::string prepare_config(const std::string& config) const;

    // Whether extract_fields takes a value_offsets request: plugins that
    // require API >= 3.11 know the member.
    bool supports_value_offsets() const {
        return required_api_version_.major == 3 && required_api_version_.minor >= 11;
    }

private:
    explicit PluginLibrary(std::string path) : path_(std::move(path)) {}
    void resolve_symbols();
    void check_and_read_info();
    // The symbol groups, read in check_and_read_info's order.
    void check_api_version();
    void read_common_symbols();  // required symbols and descriptive info
    void infer_capabilities();   // which capability groups are complete
    void read_sourcing_symbols();
    void read_extraction_symbols();
    void read_parsing_symbols();
    void read_async_symbols();
    void read_init_schema();

    struct DlCloser {
        void operator()(void* h) const;
    };

    std::string path_;
    std::unique_ptr<void, DlCloser> handle_;
    plugin_api api_{};

    std::string name_, version_, description_, contact_, required_api_version_str_;
    Version required_api_version_{};
    uint32_t caps_ = 0;
    uint32_t id_ = 0;
    std::string event_source_;
    std::vector<FieldInfo> fields_;
    std::set<std::string> extract_sources_;
    std::set<std::string> parse_sources_;
    std::vector<std::string> async_events_;
    ss_plugin_schema_type schema_type_ = SS_PLUGIN_SCHEMA_NONE;
    std::string schema_;
};

// Host's own API version.
constexpr Version kHostApiVersion{PLUGIN_API_VERSION_MAJOR, PLUGIN_API_VERSION_MINOR,
                                  PLUGIN_API_VERSION_PATCH};

}  // namespace fph
