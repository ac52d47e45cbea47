#include "field_info.hpp"

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "falco_plugin_api.h"

namespace fph {

namespace {

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

}  // namespace

std::vector<FieldInfo> read_fields_json(const std::string& plugin, const char* text) {
    const std::string prefix = "error in plugin " + plugin + ": ";
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

    std::vector<FieldInfo> fields;
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
        fields.push_back(std::move(f));
    }
    if (fields.empty()) {
        throw HostError(prefix + "plugins with extraction capability must export at least one field");
    }
    return fields;
}

}  // namespace fph
