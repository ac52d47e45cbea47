// The state tables of one cycle of a run, shared by all its plugin states:
// the host's own (threads) and the ones plugins add, with init's
// list_tables / get_table / add_table as libsinsp implements them. A host
// table is handed out as the calling owner's accessor of it; a plugin's table
// as the caller's handle of the registered copy of its table input, which
// passes the owner's last error on (plugin_table_access.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "falco_plugin_api.h"
#include "host_table.hpp"

namespace fph {

class Owner;

class TableRegistry {
public:
    TableRegistry() = default;
    TableRegistry(const TableRegistry&) = delete;
    TableRegistry& operator=(const TableRegistry&) = delete;

    void add_host_table(std::shared_ptr<HostTable> t);
    // Unregisters the tables a plugin state added (before that state goes).
    void remove_tables_of(const Owner& o);
    // The names, in registration order.
    std::vector<std::string> names() const;

    // Entries the plugins leaked (see Owner::end_call).
    void count_leaked(uint64_t n) { leaked_ += n; }
    uint64_t entries_leaked() const { return leaked_; }

    // init's tables input: o is the calling plugin state's Owner.
    static ss_plugin_table_info* list_tables(ss_plugin_owner_t* o, uint32_t* ntables);
    static ss_plugin_table_t* get_table(ss_plugin_owner_t* o, const char* name,
                                        ss_plugin_state_type key_type);
    static ss_plugin_rc add_table(ss_plugin_owner_t* o, const ss_plugin_table_input* in);

private:
    // A plugin's table: a copy of its input and of its vtables.
    struct PluginTable {
        std::string name;
        ss_plugin_table_input input{};
        ss_plugin_table_fields_vtable_ext fields{};
        ss_plugin_table_reader_vtable_ext reader{};
        ss_plugin_table_writer_vtable_ext writer{};
    };
    struct Registered {
        std::string name;
        ss_plugin_state_type key_type = SS_PLUGIN_ST_INT64;
        std::shared_ptr<HostTable> host;      // a host table, or
        std::unique_ptr<PluginTable> plugin;  // a plugin's
        const Owner* added_by = nullptr;
    };

    const Registered* find(std::string_view name) const;
    std::string name_list() const;
    // Checks a plugin's table input; throws HostError saying what is wrong.
    void check_input(const ss_plugin_table_input* in) const;

    std::vector<std::unique_ptr<Registered>> tables_;
    uint64_t leaked_ = 0;
};

}  // namespace fph
