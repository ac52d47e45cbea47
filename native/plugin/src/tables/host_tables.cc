#include "tables/host_tables.h"

#include "tables/table_error.h"

namespace falco_ts {
namespace tables {
namespace host {

namespace {

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// `what()` failed: with the host's message, or `fallback` when it gives none. `what` makes the
// message only on failure (these are the per-event paths).
template <typename What>
[[noreturn]] void HostFailure(const HostCall& call, const What& what, const std::string& fallback) {
  const std::string message = call.OwnerError();
  const std::string asked = what();
  if (message.compare(0, asked.size(), asked) == 0) Fail(message);  // the host said it all
  Fail(asked + ": " + (message.empty() ? fallback : message));
}

// A function the host must have given.
template <typename Fn, typename What>
Fn Need(Fn fn, const What& what, const char* vtable, const char* name) {
  if (fn == nullptr) Fail(what() + ": the host's " + vtable + " has no " + name);
  return fn;
}

template <typename What>
const ss_plugin_table_fields_vtable_ext& Fields(const HostCall& call, const What& what) {
  if (call.fields == nullptr) Fail(what() + ": the host gave no table fields vtable");
  return *call.fields;
}
template <typename What>
const ss_plugin_table_reader_vtable_ext& Reader(const HostCall& call, const What& what) {
  if (call.reader == nullptr) Fail(what() + " during " + CallName(call.kind) + ": the host gave no table reader");
  return *call.reader;
}
template <typename What>
const ss_plugin_table_writer_vtable_ext& Writer(const HostCall& call, const What& what) {
  if (call.writer == nullptr) Fail(what() + " during " + CallName(call.kind) + ": the host gave no table writer");
  return *call.writer;
}
template <typename What>
const ss_plugin_init_tables_input& Init(const HostCall& call, const What& what) {
  if (call.init == nullptr) Fail(what() + ": the host gave this plugin no state tables");
  return *call.init;
}

}  // namespace

std::vector<ListedTable> ListTables(const HostCall& call) {
  const auto what = [&]() -> std::string { return "cannot list tables"; };
  const ss_plugin_init_tables_input& init = Init(call, what);
  uint32_t count = 0;
  const ss_plugin_table_info* infos = Need(init.list_tables, what, "tables input", "list_tables")(call.owner, &count);
  if (infos == nullptr && count > 0) HostFailure(call, what, "the host gave no list");
  std::vector<ListedTable> tables;
  for (uint32_t i = 0; infos != nullptr && i < count; i++) {
    tables.push_back({infos[i].name != nullptr ? infos[i].name : "", infos[i].key_type});
  }
  return tables;
}

ss_plugin_table_t* GetTable(const HostCall& call, const std::string& name, ss_plugin_state_type key_type) {
  const auto what = [&]() -> std::string { return "cannot import table " + Quoted(name); };
  const ss_plugin_init_tables_input& init = Init(call, what);
  ss_plugin_table_t* table = Need(init.get_table, what, "tables input", "get_table")(call.owner, name.c_str(), key_type);
  if (table != nullptr) return table;
  // The host's message; libsinsp gives none when there is no such table: the list then tells why.
  std::string reason = call.OwnerError();
  if (reason.empty() && init.list_tables != nullptr) {
    uint32_t count = 0;
    const ss_plugin_table_info* infos = init.list_tables(call.owner, &count);
    reason = "the host has no such table";
    for (uint32_t i = 0; infos != nullptr && i < count; i++) {
      if (infos[i].name == nullptr || name != infos[i].name) continue;
      reason = infos[i].key_type != key_type
                   ? "its key is of type " + TypeName(infos[i].key_type) + ", not " + TypeName(key_type)
                   : "the host refused it";
    }
  }
  if (reason.empty()) reason = "the host refused it";
  const std::string asked = what();
  Fail(reason.compare(0, asked.size(), asked) == 0 ? reason : asked + ": " + reason);
}

void AddTable(const HostCall& call, OwnedTable& table) {
  const auto what = [&]() -> std::string { return "cannot export table " + Quoted(table.name()); };
  const ss_plugin_init_tables_input& init = Init(call, what);
  if (Need(init.add_table, what, "tables input", "add_table")(call.owner, table.input()) != SS_PLUGIN_SUCCESS) {
    HostFailure(call, what, "the host refused it");
  }
}

ss_plugin_table_field_t* GetField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const std::string& name, ss_plugin_state_type type) {
  const auto what = [&]() -> std::string { return "cannot get field " + Quoted(name) + " of table " + Quoted(table); };
  const auto get = Need(Fields(call, what).get_table_field, what, "fields vtable", "get_table_field");
  ss_plugin_table_field_t* field = get(t, name.c_str(), type);
  if (field == nullptr) HostFailure(call, what, "the table has no field of that name of type " + TypeName(type));
  return field;
}

ss_plugin_table_field_t* AddField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const std::string& name, ss_plugin_state_type type) {
  const auto what = [&]() -> std::string { return "cannot add field " + Quoted(name) + " to table " + Quoted(table); };
  const auto add = Need(Fields(call, what).add_table_field, what, "fields vtable", "add_table_field");
  ss_plugin_table_field_t* field = add(t, name.c_str(), type);
  if (field == nullptr) HostFailure(call, what, "the table refused it");
  return field;
}

std::vector<ListedField> ListFields(const HostCall& call, const std::string& table, ss_plugin_table_t* t) {
  const auto what = [&]() -> std::string { return "cannot list the fields of table " + Quoted(table); };
  const auto list = Need(Fields(call, what).list_table_fields, what, "fields vtable", "list_table_fields");
  uint32_t count = 0;
  const ss_plugin_table_fieldinfo* infos = list(t, &count);
  if (infos == nullptr) HostFailure(call, what, "the host gave no list");
  std::vector<ListedField> fields;
  for (uint32_t i = 0; i < count; i++) {
    fields.push_back({infos[i].name != nullptr ? infos[i].name : "", infos[i].field_type, infos[i].read_only != 0});
  }
  return fields;
}

std::string TableName(const HostCall& call, const std::string& table, ss_plugin_table_t* t) {
  const auto what = [&]() -> std::string { return "cannot read the name of table " + Quoted(table); };
  const char* name = Need(Reader(call, what).get_table_name, what, "table reader", "get_table_name")(t);
  if (name == nullptr) HostFailure(call, what, "the host gave none");
  return name;
}

uint64_t TableSize(const HostCall& call, const std::string& table, ss_plugin_table_t* t) {
  const auto what = [&]() -> std::string { return "cannot read the size of table " + Quoted(table); };
  const uint64_t size = Need(Reader(call, what).get_table_size, what, "table reader", "get_table_size")(t);
  if (size == static_cast<uint64_t>(-1)) HostFailure(call, what, "the host gave none");
  return size;
}

ss_plugin_table_entry_t* GetEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const StateValue& key) {
  const auto what = [&]() -> std::string { return "cannot get the entry with key " + Describe(key) + " of table " + Quoted(table); };
  const auto get = Need(Reader(call, what).get_table_entry, what, "table reader", "get_table_entry");
  const ss_plugin_state_data data = ToStateData(key);
  return get(t, &data);  // null: no entry has the key (the host's message is not an error of ours)
}

ss_plugin_state_data ReadField(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                               ss_plugin_table_entry_t* e, const std::string& field, ss_plugin_table_field_t* f) {
  const auto what = [&]() -> std::string { return "cannot read field " + Quoted(field) + " of table " + Quoted(table); };
  const auto read = Need(Reader(call, what).read_entry_field, what, "table reader", "read_entry_field");
  ss_plugin_state_data out;
  out.u64 = 0;
  if (read(t, e, f, &out) != SS_PLUGIN_SUCCESS) HostFailure(call, what, "the host could not read it");
  return out;
}

void ReleaseEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
  const auto what = [&]() -> std::string { return "cannot release an entry of table " + Quoted(table); };
  Need(Reader(call, what).release_table_entry, what, "table reader", "release_table_entry")(t, e);
}

bool IterateEntries(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                    ss_plugin_table_iterator_func_t fn, ss_plugin_table_iterator_state_t* state) {
  const auto what = [&]() -> std::string { return "cannot iterate the entries of table " + Quoted(table); };
  return Need(Reader(call, what).iterate_entries, what, "table reader", "iterate_entries")(t, fn, state) != 0;
}

void WriteField(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                const std::string& field, ss_plugin_table_field_t* f, const StateValue& value) {
  const auto what = [&]() -> std::string { return "cannot write field " + Quoted(field) + " of table " + Quoted(table); };
  const auto write = Need(Writer(call, what).write_entry_field, what, "table writer", "write_entry_field");
  const ss_plugin_state_data data = ToStateData(value);
  if (write(t, e, f, &data) != SS_PLUGIN_SUCCESS) HostFailure(call, what, "the table refused it");
}

ss_plugin_table_entry_t* CreateEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t) {
  const auto what = [&]() -> std::string { return "cannot create an entry of table " + Quoted(table); };
  ss_plugin_table_entry_t* entry =
      Need(Writer(call, what).create_table_entry, what, "table writer", "create_table_entry")(t);
  if (entry == nullptr) HostFailure(call, what, "the table refused it");
  return entry;
}

ss_plugin_table_entry_t* AddEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t,
                                  const StateValue& key, ss_plugin_table_entry_t* e) {
  const auto what = [&]() -> std::string { return "cannot add the entry with key " + Describe(key) + " to table " + Quoted(table); };
  const auto add = Need(Writer(call, what).add_table_entry, what, "table writer", "add_table_entry");
  const ss_plugin_state_data data = ToStateData(key);
  ss_plugin_table_entry_t* added = add(t, &data, e);
  if (added == nullptr) HostFailure(call, what, "the table refused it");
  return added;
}

void DestroyEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
  const auto what = [&]() -> std::string { return "cannot destroy an entry of table " + Quoted(table); };
  Need(Writer(call, what).destroy_table_entry, what, "table writer", "destroy_table_entry")(t, e);
}

void EraseEntry(const HostCall& call, const std::string& table, ss_plugin_table_t* t, const StateValue& key) {
  const auto what = [&]() -> std::string { return "cannot erase the entry with key " + Describe(key) + " of table " + Quoted(table); };
  const auto erase = Need(Writer(call, what).erase_table_entry, what, "table writer", "erase_table_entry");
  const ss_plugin_state_data data = ToStateData(key);
  if (erase(t, &data) != SS_PLUGIN_SUCCESS) HostFailure(call, what, "no entry has that key");
}

void ClearTable(const HostCall& call, const std::string& table, ss_plugin_table_t* t) {
  const auto what = [&]() -> std::string { return "cannot clear table " + Quoted(table); };
  if (Need(Writer(call, what).clear_table, what, "table writer", "clear_table")(t) != SS_PLUGIN_SUCCESS) {
    HostFailure(call, what, "the table refused it");
  }
}

}  // namespace host
}  // namespace tables
}  // namespace falco_ts
