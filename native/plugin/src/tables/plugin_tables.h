// The tables of one plugin state, as the binding's functions reach them (tables_binding.cc converts
// their JavaScript arguments and results): the host call whose vtables are usable (table_access.h), the
// lasting handles of the tables and fields (table_handles.h), the calls on the host's tables
// (host_tables.h) and the plugin's own tables (owned_table.h). Every function runs under
// access().mutex() and throws TableError.
#pragma once

#include <falco_plugin_api.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tables/host_tables.h"
#include "tables/owned_table.h"
#include "tables/state_types.h"
#include "tables/table_access.h"
#include "tables/table_handles.h"

namespace falco_ts {
namespace tables {

class PluginTables {
 public:
  // What plugin_init was given; `sink` records the errors of others' calls on the plugin's own tables.
  PluginTables(const ss_plugin_init_tables_input* init, ss_plugin_owner_t* owner,
               const char* (*get_owner_last_error)(ss_plugin_owner_t*), OwnedTable::ErrorSink sink);
  PluginTables(const PluginTables&) = delete;
  PluginTables& operator=(const PluginTables&) = delete;

  TableAccess& access() { return access_; }
  // Whether the state imported a table of the host's (getTable succeeded): its extraction then computes
  // nothing ahead, since the tables change between events.
  bool imported() const { return imported_.load(std::memory_order_relaxed); }

  // What a key of `table` / a value of `field` must be (kUnknownType: any scalar), and the names messages
  // give it (valid until the next function of this object).
  struct Expected {
    ss_plugin_state_type type;
    const std::string* table;
    const std::string* field;  // null for a key
  };
  Expected KeyOf(uint64_t table);
  Expected ValueOf(uint64_t table, uint64_t field);

  // ---- init only ----
  std::vector<host::ListedTable> ListTables();
  uint64_t GetTable(const std::string& name, ss_plugin_state_type key_type);
  uint64_t AddTable(const std::string& name, ss_plugin_state_type key_type, const std::vector<OwnedFieldSpec>& fields);
  uint64_t AddField(uint64_t table, const std::string& name, ss_plugin_state_type type);
  // ---- init (any time for the plugin's own tables), and any call with a reader ----
  uint64_t GetField(uint64_t table, const std::string& name, ss_plugin_state_type type);
  std::vector<ListedField> ListFields(uint64_t table);
  std::string TableName(uint64_t table);
  uint64_t TableSize(uint64_t table);
  // -1 when no entry has the key.
  int64_t GetEntry(uint64_t table, const StateValue& key);
  // For a table-typed field, `bits` is the sub-table's handle.
  StateValue ReadField(uint64_t table, uint64_t entry, uint64_t field);
  void ReleaseEntry(uint64_t table, uint64_t entry);
  // False when `visit` returned false. An exception of `visit` stops the iteration and is rethrown.
  bool IterateEntries(uint64_t table, const std::function<bool(uint64_t entry)>& visit);
  // ---- init, and any call with a writer ----
  void WriteField(uint64_t table, uint64_t entry, uint64_t field, const StateValue& value);
  uint64_t CreateEntry(uint64_t table);
  uint64_t AddEntry(uint64_t table, const StateValue& key, uint64_t entry);
  void DestroyEntry(uint64_t table, uint64_t entry);
  void EraseEntry(uint64_t table, const StateValue& key);
  void ClearTable(uint64_t table);

 private:
  // A table handle, resolved for one function.
  struct Table {
    int32_t family;
    const TableFamily* info;
    ss_plugin_table_t* host;  // imported
    OwnedTable* owned;        // exported
    std::shared_ptr<OwnedTable> keep;  // the exported table, alive until the function returns
    const std::string& name() const { return info->name; }
    const void* identity() const { return owned != nullptr ? static_cast<const void*>(owned) : host; }
  };
  struct IterationContext;

  Table Resolve(uint64_t handle);
  // The host call through which the host's `table` is read / written now (throws when it may not be).
  const HostCall& Readable(const Table& table) const;
  const HostCall& Writable(const Table& table) const;
  // The init call, for what only init does (`what`: "import table 'x'").
  const HostCall& InitOnly(const std::string& what) const;
  EntrySlot& Entry(const Table& table, uint64_t handle);
  const FieldRef& Field(const Table& table, uint64_t handle) const;
  uint64_t Hold(const Table& table, EntrySlot::Kind kind, ss_plugin_table_entry_t* host_entry,
                std::shared_ptr<OwnedEntry> owned);
  uint64_t SubtableHandle(int32_t family, ss_plugin_table_t* host, std::shared_ptr<OwnedTable> owned);
  static ss_plugin_bool VisitHostEntry(ss_plugin_table_iterator_state_t* state, ss_plugin_table_entry_t* entry);

  TableAccess access_;
  TableHandles handles_;
  OwnedTable::ErrorSink sink_;
  std::atomic<bool> imported_{false};
};

}  // namespace tables
}  // namespace falco_ts
