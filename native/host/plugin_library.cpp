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

// libsinsp's accepted field types and their ss_plugin_field_type values.
bool field_type_from_name(const std::string& name, uint32_t& ftype) {
    static const struct {
        const char* name;
        uint32_t ftype;
    } table[] = {
        {"string", FTYPE_STRING}, {"uint64", FTYPE_UINT64}, {"reltime", FTYPE_RELTIME},
        {"abstime", FTYPE_ABSTIME}, {"bool", FTYPE_BOOL},     {"ipaddr", FTYPE_IPADDR},
        {"ipnet", FTYPE_IPNET},
    };
    for (const auto& e : table) {
        if (name == e.name) {
            ftype = e.ftype;
            return true;
        }
    }
    return false;
}

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

}  // namespace

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
    // 1. required API version, checked before anything else
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

    // 2. symbols every plugin must export
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

    // 3. descriptive info
    name_ = str_or_empty(api_.get_name());
    description_ = str_or_empty(api_.get_description());
    contact_ = str_or_empty(api_.get_contact());
    version_ = str_or_empty(api_.get_version());
    Version plugin_version;
    if (!parse_version(version_.c_str(), plugin_version)) {
        throw HostError("plugin provided an invalid version string: '" + version_ + "'");
    }

    // 4. capabilities, inferred from the exported symbols
    std::string broken;
    auto add_broken = [&broken](const char* msg) {
        if (!broken.empty()) {
            broken += ", ";
        }
        broken += msg;
    };
    if (api_.open && api_.close && api_.next_batch) {
        const bool has_id = api_.get_id != nullptr && api_.get_id() != 0;
        const bool has_source = api_.get_event_source != nullptr &&
                                api_.get_event_source() != nullptr &&
                                std::strlen(api_.get_event_source()) > 0;
        if (has_id == has_source) {
            caps_ |= CAP_SOURCING;
        } else {
            add_broken(
                "must implement both 'plugin_get_id' and 'plugin_get_event_source' or "
                "neither (event sourcing)");
        }
    } else if (api_.open || api_.close || api_.next_batch) {
        add_broken(
            "must implement all of 'plugin_open', 'plugin_close', and 'plugin_next_batch' "
            "(event sourcing)");
    }
    if (api_.get_fields && api_.extract_fields) {
        caps_ |= CAP_EXTRACTION;
    } else if (api_.extract_fields) {
        add_broken(
            "must implement both 'plugin_get_fields' and 'plugin_extract_fields' (field "
            "extraction)");
    }
    if (api_.parse_event) {
        caps_ |= CAP_PARSING;
    }
    if (api_.get_async_events && api_.set_async_event_handler) {
        caps_ |= CAP_ASYNC;
    } else if (api_.set_async_event_handler) {
        add_broken(
            "must implement both 'plugin_get_async_events' and 'plugin_set_async_event_handler' "
            "(async events)");
    }
    if (api_.capture_open && api_.capture_close) {
        caps_ |= CAP_CAPTURE_LISTENING;
    } else if (api_.capture_open) {
        add_broken(
            "must implement both 'plugin_capture_open' and 'plugin_capture_close' (capture "
            "listening)");
    }
    if (!broken.empty()) {
        throw HostError("broken plugin capabilities: " + broken);
    }
    if (caps_ == 0) {
        throw HostError("plugin does not implement any capability");
    }

    // 5. sourcing identity
    if (has(CAP_SOURCING) && api_.get_id && api_.get_event_source && api_.get_id() != 0) {
        id_ = api_.get_id();
        event_source_ = str_or_empty(api_.get_event_source());
        if (event_source_ == kSyscallSource) {
            throw HostError("plugin can't implement the reserved event source '" +
                            event_source_ + "'");
        }
    }

    // 6. extraction: fields and compatible sources
    if (has(CAP_EXTRACTION)) {
        read_fields();
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
    if (has(CAP_PARSING)) {
        for (auto& s : read_string_list(
                 name_, "get_parse_event_sources",
                 api_.get_parse_event_sources ? api_.get_parse_event_sources() : nullptr, true)) {
            parse_sources_.insert(std::move(s));
        }
        if (has(CAP_SOURCING) && !event_source_.empty()) {
            parse_sources_.insert(event_source_);
        }
    }
    if (has(CAP_ASYNC)) {
        async_events_ =
            read_string_list(name_, "get_async_events", api_.get_async_events(), false);
    }

    // 7. init schema (state-less)
    if (api_.get_init_schema) {
        ss_plugin_schema_type type = SS_PLUGIN_SCHEMA_NONE;
        const char* s = api_.get_init_schema(&type);
        schema_type_ = type;
        schema_ = str_or_empty(s);
    }
}

void PluginLibrary::read_fields() {
    const std::string prefix = "error in plugin " + name_ + ": ";
    const char* text = api_.get_fields();
    if (text == nullptr) {
        throw HostError(prefix + "get_fields returned a null string");
    }
    const auto root = nlohmann::json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_array()) {
        throw HostError(prefix + "get_fields returned an invalid JSON");
    }
    auto get_string = [&](const nlohmann::json& obj, const char* key) -> std::string {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) {
            return std::string();
        }
        if (!it->is_string()) {
            throw HostError(prefix + "field JSON entry has a non-string '" + key + "'");
        }
        return it->get<std::string>();
    };
    auto get_bool = [&](const nlohmann::json& obj, const char* key, const std::string& fname,
                        const char* what) -> bool {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) {
            return false;
        }
        if (!it->is_boolean()) {
            throw HostError(prefix + "field " + fname + " " + what + " property is not boolean");
        }
        return it->get<bool>();
    };

    uint32_t index = 0;
    for (const auto& entry : root) {
        if (!entry.is_object()) {
            throw HostError(prefix + "field JSON entry is not an object");
        }
        FieldInfo f;
        f.id = index++;
        f.type = get_string(entry, "type");
        if (f.type.empty()) {
            throw HostError(prefix + "field JSON entry has no type");
        }
        f.name = get_string(entry, "name");
        if (f.name.empty()) {
            throw HostError(prefix + "field JSON entry has no name");
        }
        f.display = get_string(entry, "display");
        f.desc = get_string(entry, "desc");
        if (f.desc.empty()) {
            throw HostError(prefix + "field JSON entry has no desc");
        }
        if (!field_type_from_name(f.type, f.ftype)) {
            throw HostError(prefix + "invalid field type " + f.type);
        }
        f.is_list = get_bool(entry, "isList", f.name, "isList");
        f.add_output = get_bool(entry, "addOutput", f.name, "addOutput");

        auto arg = entry.find("arg");
        if (arg != entry.end() && !arg->is_null()) {
            if (!arg->is_object()) {
                throw HostError(prefix + "field " + f.name + " arg property is not an object");
            }
            f.arg_required = get_bool(*arg, "isRequired", f.name, "isRequired");
            f.arg_index = get_bool(*arg, "isIndex", f.name, "isIndex");
            f.arg_key = get_bool(*arg, "isKey", f.name, "isKey");
            if (f.arg_required && !f.arg_index && !f.arg_key) {
                throw HostError(prefix + "field " + f.name +
                                " arg has isRequired true, but none of isKey nor isIndex is true");
            }
        }

        auto props = entry.find("properties");
        if (props != entry.end() && !props->is_null()) {
            if (!props->is_array()) {
                throw HostError(prefix + "field " + f.name + " properties property is not array");
            }
            for (const auto& p : *props) {
                if (!p.is_string()) {
                    throw HostError(prefix + "field " + f.name +
                                    " properties value is not string");
                }
                f.properties.push_back(p.get<std::string>());
            }
        }
        fields_.push_back(std::move(f));
    }
    if (fields_.empty()) {
        throw HostError(prefix + "plugins with extraction capability must export at least one field");
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
    if (caps & CAP_SOURCING) out.emplace_back("sourcing");
    if (caps & CAP_EXTRACTION) out.emplace_back("extraction");
    if (caps & CAP_PARSING) out.emplace_back("parsing");
    if (caps & CAP_ASYNC) out.emplace_back("async");
    if (caps & CAP_CAPTURE_LISTENING) out.emplace_back("capture_listening");
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
