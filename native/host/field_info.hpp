// The fields a plugin with extraction capability declares in its get_fields
// JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fph {

// One entry of the plugin's get_fields JSON, validated like libsinsp does.
struct FieldInfo {
    uint32_t id = 0;  // index in the get_fields array (the field_id passed back)
    std::string name;
    std::string type;  // as declared: string, uint64, ...
    uint32_t ftype = 0;  // ss_plugin_field_type value
    std::string desc;
    std::string display;
    bool is_list = false;
    bool add_output = false;
    bool arg_required = false;
    bool arg_index = false;
    bool arg_key = false;
    std::vector<std::string> properties;

    bool arg_allowed() const { return arg_index || arg_key; }
};

// Parses and validates get_fields' JSON text. Throws HostError with
// libsinsp-like messages naming the plugin.
std::vector<FieldInfo> read_fields_json(const std::string& plugin, const char* text);

}  // namespace fph
