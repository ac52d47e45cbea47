// The per-owner accessor of a host table, as libsinsp hands them out: the
// ss_plugin_table_input a plugin gets as the table's handle (its `table` is
// the accessor itself) with the vtables of the host tables' implementation,
// which act for that owner (its last error, the entries it holds, when it
// may read and write).
#pragma once

#include <memory>

#include "falco_plugin_api.h"
#include "host_table.hpp"

namespace fph {

class Owner;

struct HostTableAccessor {
    HostTableAccessor();
    HostTableAccessor(const HostTableAccessor&) = delete;
    HostTableAccessor& operator=(const HostTableAccessor&) = delete;

    void bind(Owner& o, std::shared_ptr<HostTable> t);
    // Drops the table (the owner stays, to be told of later use).
    void unbind();
    ss_plugin_table_t* handle() { return &input; }

    ss_plugin_table_input input{};
    ss_plugin_table_fields_vtable_ext fields{};
    ss_plugin_table_reader_vtable_ext reader{};
    ss_plugin_table_writer_vtable_ext writer{};
    Owner* owner = nullptr;
    std::shared_ptr<HostTable> table;
};

// The key of an entry of a host table, when t is a host table's handle and e
// an entry its owner may use now; nullptr otherwise.
const TableKey* host_entry_key(ss_plugin_table_t* t, ss_plugin_table_entry_t* e);

}  // namespace fph
