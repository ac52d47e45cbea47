// --dump-table: one table of the cycle as the line
//   table <name>: {"size":N,"entries":[{"key":K,"fields":{"f1":v1,...}},...]}
// read through the dispatch vtables by a host owner of its own, as another
// plugin would (so a plugin's table is read through its own functions).
// Entries come sorted by key, fields as list_table_fields lists them,
// sub-tables nested as {"size":..,"entries":[..]}. The API has no call giving
// an entry's key: a host table's key is known to the host; a plugin's table's
// key is found by looking up the entry's values of the key's type with
// get_table_entry until one returns that entry (null when none does).
#pragma once

#include <string>
#include <vector>

#include "owner.hpp"
#include "table_registry.hpp"

namespace fph {

class TableDumper {
public:
    explicit TableDumper(TableRegistry& registry);
    TableDumper(const TableDumper&) = delete;
    TableDumper& operator=(const TableDumper&) = delete;

    // Returns false with the reason in errors when the table cannot be read
    // (no such table); otherwise sets line, and adds to errors what could not
    // be read (printed as null).
    bool dump(const std::string& name, std::string& line, std::vector<std::string>& errors);

private:
    Owner owner_;
};

}  // namespace fph
