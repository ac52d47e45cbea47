#include "plugin_library.hpp"

#include <dlfcn.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "common.hpp"

namespace fph {

namespace {

static_assert(sizeof(void*) == sizeof(plugin_init_fn),
              "function and object pointers must have the same size (POSIX dlsym)");

// Reads a JSON array of strings returned by a state-less symbol (event
// source lists, async event names), like the libs do.
std::vector<std::string> read_string_list(const std::string& plugin, const char* symbol,
                                          const char* text, bool allow_empty) {
    std::vector<std::string> out;
    const std::string json = str_or_empty(text);
    if (json.empty()) {
        if (allow_empty) {
            return out;
        }
        throw HostError("error in plugin " + plugin + ": '" + symbol +
                        "' did not return a json array but it should");
    }
    const auto root = nlohmann::json::parse(json, nullptr, false);
    if (root.is_discarded() || !root.is_array()) {
        throw HostError("error in plugin " + plugin + ": '" + symbol +
                        "' did not return a json array");
    }
    for (const auto& e : root) {
        if (!e.is_string()) {
            throw HostError("error in plugin " + plugin + ": '" + symbol +
                            "' did not return a json array of strings");
        }
        auto s = e.get<std::string>();
        if (!s.empty()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

// A capability's symbol group as a library exports it: complete (the plugin
// has the capability), absent (incomplete == nullptr) or incomplete (the
// message says what is missing, and the library is rejected).
struct SymbolGroup {
    bool complete;
    const char* incomplete;
};

SymbolGroup sourcing_symbols(const plugin_api& api) {
    if (api.open && api.close && api.next_batch) {
        const bool has_id = api.get_id != nullptr && api.get_id() != 0;
        const bool has_source = api.get_event_source != nullptr &&
                                api.get_event_source() != nullptr &&
                                std::strlen(api.get_event_source()) > 0;
        if (has_id == has_source) return {true, nullptr};
        return {false,
                "must implement both 'plugin_get_id' and 'plugin_get_event_source' or "
                "neither (event sourcing)"};
    }
    if (api.open || api.close || api.next_batch) {
        return {false,
                "must implement all of 'plugin_open', 'plugin_close', and 'plugin_next_batch' "
                "(event sourcing)"};
    }
    return {false, nullptr};
}

SymbolGroup extraction_symbols(const plugin_api& api) {
    if (api.get_fields && api.extract_fields) return {true, nullptr};
    if (api.extract_fields) {
        return {false,
                "must implement both 'plugin_get_fields' and 'plugin_extract_fields' (field "
                "extraction)"};
    }
    return {false, nullptr};
}

SymbolGroup parsing_symbols(const plugin_api& api) { return {api.parse_event != nullptr, nullptr}; }

SymbolGroup async_symbols(const plugin_api& api) {
    if (api.get_async_events && api.set_async_event_handler) return {true, nullptr};
    if (api.set_async_event_handler) {
        return {false,
                "must implement both 'plugin_get_async_events' and "
                "'plugin_set_async_event_handler' (async events)"};
    }
    return {false, nullptr};
}

SymbolGroup capture_listening_symbols(const plugin_api& api) {
    if (api.capture_open && api.capture_close) return {true, nullptr};
    if (api.capture_open) {
        return {false,
                "must implement both 'plugin_capture_open' and 'plugin_capture_close' (capture "
                "listening)"};
    }
    return {false, nullptr};
}

// The capabilities, inferred from their symbol groups in libsinsp's order.
const struct {
    Capability capability;
    const char* name;  // as `info` lists it
    SymbolGroup (*check)(const plugin_api&);
} kCapabilityGroups[] = {
    {CAP_SOURCING, "sourcing", sourcing_symbols},
    {CAP_EXTRACTION, "extraction", extraction_symbols},
    {CAP_PARSING, "parsing", parsing_symbols},
    {CAP_ASYNC, "async", async_symbols},
    {CAP_CAPTURE_LISTENING, "capture_listening", capture_listening_symbols},
};

}  // namespace

bool parse_version(const char* s, Version& out) {
    if (s == nullptr) {
        return false;
    }
    // same leniency as the libs (sscanf of three unsigned numbers)
    return std::sscanf(s, "%" SCNu32 ".%" SCNu32 ".%" SCNu32, &out.major, &out.minor,
                       &out.patch) == 3;
}

std::string version_string(const Version& v) {
    return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

void PluginLibrary::DlCloser::operator()(void* h) const {
    if (h != nullptr) {
        dlclose(h);
    }
}

PluginLibrary::~PluginLibrary() = default;

std::unique_ptr<PluginLibrary> PluginLibrary::load(const std::string& path) {
    std::unique_ptr<PluginLibrary> lib(new PluginLibrary(path));
    dlerror();
    lib->handle_.reset(dlopen(path.c_str(), RTLD_LOCAL | RTLD_NOW));
    if (!lib->handle_) {
        const char* err = dlerror();
        throw HostError("can't load plugin dynamic library: " +
                        (err ? std::string(err) : std::string("unknown dlopen error")));
    }
    lib->resolve_symbols();
    lib->check_and_read_info();
    return lib;
}

void PluginLibrary::resolve_symbols() {
    // Every symbol is looked up; a missing one stays NULL (optional symbols
    // and capability inference rely on that).
#define FPH_RESOLVE(sym)                                                       \
    {                                                                          \
        void* p = dlsym(handle_.get(), "plugin_" #sym);                        \
        static_assert(sizeof(p) == sizeof(api_.sym), "pointer size mismatch"); \
        std::memcpy(&api_.sym, &p, sizeof(p));                                 \
    }
    FALCO_PLUGIN_API_SYMBOLS(FPH_RESOLVE)
#undef FPH_RESOLVE
}

void PluginLibrary::check_and_read_info() {
    // libsinsp's order: the common group first, then each capability's group
    check_api_version();
    read_common_symbols();
    infer_capabilities();
    if (has(CAP_SOURCING)) read_sourcing_symbols();
    if (has(CAP_EXTRACTION)) read_extraction_symbols();
    if (has(CAP_PARSING)) read_parsing_symbols();
    if (has(CAP_ASYNC)) read_async_symbols();
    read_init_schema();
}

void PluginLibrary::check_api_version() {
    // checked before anything else
    if (api_.get_required_api_version == nullptr) {
        throw HostError("required symbol not implemented: 'plugin_get_required_api_version'");
    }
    const char* req = api_.get_required_api_version();
    required_api_version_str_ = str_or_empty(req);
    if (!parse_version(req, required_api_version_)) {
        throw HostError("plugin provided an invalid required API version: '" +
                        required_api_version_str_ + "'");
    }
    const char* failmsg = nullptr;
    if (required_api_version_.major != kHostApiVersion.major) {
        failmsg = "major versions disagree";
    } else if (required_api_version_.minor > kHostApiVersion.minor) {
        failmsg = "the host's minor version is less than the requested one";
    } else if (required_api_version_.minor == kHostApiVersion.minor &&
               required_api_version_.patch > kHostApiVersion.patch) {
        failmsg = "the host's patch version is less than the requested one";
    }
    if (failmsg != nullptr) {
        throw HostError("plugin required API version '" + required_api_version_str_ +
                        "' not compatible with the host's API version '" +
                        version_string(kHostApiVersion) + "': " + failmsg);
    }
}

void PluginLibrary::read_common_symbols() {
    // symbols every plugin must export
    const struct {
        const char* name;
        bool present;
    } required[] = {
        {"get_required_api_version", api_.get_required_api_version != nullptr},
        {"get_version", api_.get_version != nullptr},
        {"get_name", api_.get_name != nullptr},
        {"get_description", api_.get_description != nullptr},
        {"get_contact", api_.get_contact != nullptr},
        {"init", api_.init != nullptr},
        {"destroy", api_.destroy != nullptr},
        {"get_last_error", api_.get_last_error != nullptr},
    };
    for (const auto& r : required) {
        if (!r.present) {
            throw HostError(std::string("required symbol not implemented: 'plugin_") + r.name +
                            "'");
        }
    }

    // descriptive info
    name_ = str_or_empty(api_.get_name());
    description_ = str_or_empty(api_.get_description());
    contact_ = str_or_empty(api_.get_contact());
    version_ = str_or_empty(api_.get_version());
    Version plugin_version;
    if (!parse_version(version_.c_str(), plugin_version)) {
        throw HostError("plugin provided an invalid version string: '" + version_ + "'");
    }
}

void PluginLibrary::infer_capabilities() {
    std::string broken;
    for (const auto& group : kCapabilityGroups) {
        const SymbolGroup found = group.check(api_);
        if (found.complete) {
            caps_ |= group.capability;
        } else if (found.incomplete != nullptr) {
            if (!broken.empty()) {
                broken += ", ";
            }
            broken += found.incomplete;
        }
    }
    if (!broken.empty()) {
        throw HostError("broken plugin capabilities: " + broken);
    }
    if (caps_ == 0) {
        throw HostError("plugin does not implement any capability");
    }
}

void PluginLibrary::read_sourcing_symbols() {
    // identity: a specific event source, or none
    if (api_.get_id && api_.get_event_source && api_.get_id() != 0) {
        id_ = api_.get_id();
        event_source_ = str_or_empty(api_.get_event_source());
        if (event_source_ == kSyscallSource) {
            throw HostError("plugin can't implement the reserved event source '" +
                            event_source_ + "'");
        }
    }
}

void PluginLibrary::read_extraction_symbols() {
    // fields and compatible sources
    fields_ = read_fields_json(name_, api_.get_fields());
    for (auto& s : read_string_list(name_, "get_extract_event_sources",
                                    api_.get_extract_event_sources
                                        ? api_.get_extract_event_sources()
                                        : nullptr,
                                    true)) {
        extract_sources_.insert(std::move(s));
    }
    if (has(CAP_SOURCING) && !event_source_.empty()) {
        extract_sources_.insert(event_source_);
    }
}

void PluginLibrary::read_parsing_symbols() {
    for (auto& s : read_string_list(
             name_, "get_parse_event_sources",
             api_.get_parse_event_sources ? api_.get_parse_event_sources() : nullptr, true)) {
        parse_sources_.insert(std::move(s));
    }
    if (has(CAP_SOURCING) && !event_source_.empty()) {
        parse_sources_.insert(event_source_);
    }
}

void PluginLibrary::read_async_symbols() {
    async_events_ = read_string_list(name_, "get_async_events", api_.get_async_events(), false);
}

void PluginLibrary::read_init_schema() {
    // state-less: read once at load time
    if (api_.get_init_schema) {
        ss_plugin_schema_type type = SS_PLUGIN_SCHEMA_NONE;
        const char* s = api_.get_init_schema(&type);
        schema_type_ = type;
        schema_ = str_or_empty(s);
    }
}

const FieldInfo* PluginLibrary::find_field(const std::string& name) const {
    for (const auto& f : fields_) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

std::vector<std::string> PluginLibrary::capability_names(uint32_t caps) {
    std::vector<std::string> out;
    for (const auto& group : kCapabilityGroups) {
        if (caps & group.capability) out.emplace_back(group.name);
    }
    return out;
}

std::string PluginLibrary::prepare_config(const std::string& config) const {
    if (schema_.empty() || schema_type_ == SS_PLUGIN_SCHEMA_NONE) {
        return config;  // opaque config, passed as is
    }
    const std::string prefix = "error in plugin " + name_;
    if (schema_type_ != SS_PLUGIN_SCHEMA_JSON) {
        throw HostError(prefix + ": get_init_schema returned an unknown schema type " +
                        std::to_string(static_cast<int>(schema_type_)));
    }
    const auto schema_json = nlohmann::json::parse(schema_, nullptr, false);
    if (schema_json.is_discarded() || !schema_json.is_object()) {
        throw HostError(prefix + ": get_init_schema did not return a json object");
    }
    const std::string effective = config.empty() ? std::string("{}") : config;
    const auto config_json = nlohmann::json::parse(effective, nullptr, false);
    if (config_json.is_discarded()) {
        throw HostError(prefix + ": init config is not a valid json");
    }

    try {
        valijson::Schema schema;
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
        parser.populateSchema(schema_adapter, schema);

        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter config_adapter(config_json);
        if (!validator.validate(schema, config_adapter, &results)) {
            valijson::ValidationResults::Error error;
            if (results.popError(error)) {  // the top-most error only
                throw HostError(prefix + " init config: In " +
                                std::accumulate(error.context.begin(), error.context.end(),
                                                std::string()) +
                                ", " + error.description);
            }
            throw HostError(prefix + " init config: failed parsing with provided schema");
        }
    } catch (const HostError&) {
        throw;
    } catch (const std::exception& e) {
        throw HostError(prefix + ": invalid init schema: " + e.what());
    }
    return effective;
}

}  // namespace fph
