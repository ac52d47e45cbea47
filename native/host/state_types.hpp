// The plugin API's state types (ss_plugin_state_type) as the host's tables
// name, check and print them.
#pragma once

#include <string>

#include "falco_plugin_api.h"

namespace fph {

// "int8", ..., "string", "table", "bool"; nullptr for a code that is no
// state type.
const char* state_type_name(ss_plugin_state_type t);

// The name, or "<code> (not a state type)" for an unknown code.
std::string state_type_text(ss_plugin_state_type t);

bool is_state_type(ss_plugin_state_type t);

// Appends the value of a non-table state type as JSON (numbers as exact
// decimal digits, strings quoted, a NULL string as null).
void append_state_json(std::string& out, ss_plugin_state_type t, const ss_plugin_state_data& d);

}  // namespace fph
