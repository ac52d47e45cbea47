#include "info.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "event_schema.hpp"
#include "plugin_library.hpp"

namespace fph {

int info_command(const std::string& path) {
    std::unique_ptr<PluginLibrary> lib;
    try {
        lib = PluginLibrary::load(path);
    } catch (const HostError& e) {
        throw HostError("cannot load plugin '" + path + "': " + e.what());
    }

    using json = nlohmann::ordered_json;
    json j;
    j["name"] = lib->name();
    j["version"] = lib->version();
    j["description"] = lib->description();
    j["contact"] = lib->contact();
    j["requiredApiVersion"] = lib->required_api_version_str();
    // no state here: the API lets get_required_event_schema_version take NULL
    if (const auto v = required_event_schema_version(*lib, nullptr)) {
        j["requiredEventSchemaVersion"] = *v;
    } else {
        j["requiredEventSchemaVersion"] = nullptr;
    }
    j["capabilities"] = PluginLibrary::capability_names(lib->caps());
    if (lib->has(CAP_SOURCING)) {
        j["id"] = lib->id();
        j["eventSource"] = lib->event_source();
    } else {
        j["id"] = nullptr;
        j["eventSource"] = nullptr;
    }

    json fields = json::array();
    for (const auto& f : lib->fields()) {
        json jf;
        jf["name"] = f.name;
        jf["type"] = f.type;
        jf["desc"] = f.desc;
        if (!f.display.empty()) jf["display"] = f.display;
        jf["isList"] = f.is_list;
        jf["addOutput"] = f.add_output;
        if (f.arg_required || f.arg_index || f.arg_key) {
            jf["arg"] = {{"isRequired", f.arg_required}, {"isIndex", f.arg_index},
                         {"isKey", f.arg_key}};
        }
        jf["properties"] = f.properties;
        fields.push_back(std::move(jf));
    }
    j["fields"] = std::move(fields);

    if (lib->has(CAP_EXTRACTION)) {
        // resolved as libsinsp does: declared + own source; [] = all sources
        j["extractEventSources"] = json(std::vector<std::string>(
            lib->extract_event_sources().begin(), lib->extract_event_sources().end()));
    } else {
        j["extractEventSources"] = nullptr;
    }
    if (lib->has(CAP_PARSING)) {
        j["parseEventSources"] = json(std::vector<std::string>(lib->parse_event_sources().begin(),
                                                               lib->parse_event_sources().end()));
    }
    if (lib->has(CAP_ASYNC)) {
        j["asyncEvents"] = lib->async_events();
    }

    if (lib->schema().empty() || lib->schema_type() == SS_PLUGIN_SCHEMA_NONE) {
        j["initSchema"] = nullptr;
    } else {
        auto parsed = json::parse(lib->schema(), nullptr, false);
        json s;
        s["type"] = lib->schema_type() == SS_PLUGIN_SCHEMA_JSON ? "json" : "unknown";
        if (parsed.is_discarded()) {
            s["schema"] = lib->schema();  // not JSON: shown raw
        } else {
            s["schema"] = std::move(parsed);
        }
        j["initSchema"] = std::move(s);
    }

    const std::string text = j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

}  // namespace fph
