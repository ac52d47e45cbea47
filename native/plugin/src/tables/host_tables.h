// The plugin's calls on the host's tables (those it imported), through the vtables of the current host
// call: each checks that the host gave the function, and turns a failure into an Error naming what was
// asked, with the host's message (get_owner_last_error) or, when the host gives none, one of our own
// (as for another plugin's table: libsinsp dispatches to its owner, whose message is that plugin's).
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tables/owned_table.h"
#include "tables/state_types.h"
#include "tables/table_access.h"

namespace falco_ts {
namespace tables {
namespace host {

struct ListedTable {
  std::string name;
  ss_plugin_state_type key_type;
};

// ---- init: the tables input ----
std::vector<ListedTable> ListTables(const HostCall& call);
ss_plugin_table_t* GetTable(const HostCall& call, const std::string& name, ss_plugin_state_type key_type);
void AddTable(const HostCall& call, OwnedTable& table);

// ---- fields (`table` names the table in messages) ----
ss_plugin_table_field_t* GetField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const std::string& name, ss_plugin_state_type type);
ss_plugin_table_field_t* AddField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const std::string& name, ss_plugin_state_type type);
std::vector<ListedField> ListFields(const HostCall& call, const std::string& table, ss_plugin_table_t* t);

// ---- reader ----
std::string TableName(const HostCall& call, const std::string& table, ss_plugin_table_t* t);
uint64_t TableSize(const HostCall& call, const std::string& table, ss_plugin_table_t* t);
// Null when no entry has the key.
ss_plugin_table_entry_t* GetEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const StateValue& key);
// A value of `type` (for a table field, `table` of the result is the sub-table).
ss_plugin_state_data ReadField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                               ss_plugin_table_entry_t* e, const std::string& field, ss_plugin_table_field_t* f);
void ReleaseEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e);
// The host's result: false when `fn` stopped the iteration.
bool IterateEntries(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                    ss_plugin_table_iterator_func_t fn, ss_plugin_table_iterator_state_t* state);

// ---- writer ----
void WriteField(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                const std::string& field, ss_plugin_table_field_t* f, const StateValue& value);
ss_plugin_table_entry_t* CreateEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t);
ss_plugin_table_entry_t* AddEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const StateValue& key, ss_plugin_table_entry_t* e);
void DestroyEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e);
void EraseEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, const StateValue& key);
void ClearTable(const HostCall& call, const std::string& table, ss_plugin_table_t* t);

}  // namespace host
}  // namespace tables
}  // namespace falco_ts
