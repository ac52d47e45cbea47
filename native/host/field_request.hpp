// Parsing the user's field list ("name", "name[arg]") the way libsinsp's
// plugin filtercheck parses field names, and routing each field to the
// plugin that extracts it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin_library.hpp"

namespace fph {

struct FieldPlan {
    std::string text;         // as the user wrote it (trimmed): the output key
    size_t plugin = 0;        // index in the loaded plugin list (0 = source)
    const FieldInfo* info = nullptr;
    bool arg_present = false;
    bool has_arg_key = false;
    std::string arg_key;      // isKey argument
    uint64_t arg_index = UINT64_MAX;  // isIndex argument; libsinsp leaves -1 when absent
    bool output = false;      // an --output-fields field: asked on every --output-every'th event only
};

// Splits "a,b[x,y],c" on the commas that are not inside brackets.
std::vector<std::string> split_field_list(const std::string& list);

// Resolves each field against the loaded plugins (source first, then the
// extractors in command-line order). A field is routed to the first plugin
// declaring it whose extraction event sources are compatible with `source`.
// Throws HostError for unknown fields, incompatible plugins and bad
// arguments, with libsinsp-like messages.
std::vector<FieldPlan> plan_fields(const std::vector<std::string>& tokens,
                                   const std::vector<const PluginLibrary*>& plugins,
                                   const std::string& source);

}  // namespace fph
