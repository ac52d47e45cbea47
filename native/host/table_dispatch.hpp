// The fields, reader and writer vtables the host gives plugins: dispatchers,
// as libsinsp's. A table handle is an ss_plugin_table_input (the owner's
// accessor of a host table, or the registered copy of a plugin's table
// input), and each function calls that input's own function with its
// `table`: a plugin reading another plugin's table calls that plugin's code.
#pragma once

#include "falco_plugin_api.h"

namespace fph {

void fill_dispatch(ss_plugin_table_fields_vtable_ext& fields);
void fill_dispatch(ss_plugin_table_fields_vtable& fields);
void fill_dispatch(ss_plugin_table_reader_vtable_ext& reader);
void fill_dispatch(ss_plugin_table_reader_vtable& reader);
void fill_dispatch(ss_plugin_table_writer_vtable_ext& writer);
void fill_dispatch(ss_plugin_table_writer_vtable& writer);

// Sets the deprecated vtables of a table input to the functions of its _ext
// ones (libsinsp checks that both flavours hold the same functions).
void mirror_deprecated_vtables(ss_plugin_table_input& in);

}  // namespace fph
