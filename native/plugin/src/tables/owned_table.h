// A table the plugin exports (addTable), kept in memory by this library with libsinsp's semantics: typed
// static fields (read-only for others when declared so), dynamic fields others add (add_table_field),
// entries with shared ownership (an erased entry stays valid until every holder released it), and for a
// table-typed field one sub-table per entry, whose field accessors are shared by the sub-tables of every
// entry. The owner's JavaScript reaches it directly (the methods below), at any time; libsinsp and the
// other plugins through the vtables of input() (owned_table_vtables.cc). One mutex per exported table
// (shared by its sub-tables): the owner may write it on any thread running its JavaScript while the
// host reads it on its own.
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tables/state_types.h"

namespace falco_ts {
namespace tables {

class OwnedTable;
class TableSchema;

// A field as the owner declares it (addTable's OwnedFieldSpec).
struct OwnedFieldSpec {
  std::string name;
  ss_plugin_state_type type = kUnknownType;
  bool read_only = false;
  // For a field of type table: the key type and fields of each entry's sub-table.
  ss_plugin_state_type subtable_key = kUnknownType;
  std::vector<OwnedFieldSpec> subtable_fields;
};

// A field of an owned table; its address is the ss_plugin_table_field_t* others are given.
struct OwnedField {
  const TableSchema* schema = nullptr;
  std::string name;
  ss_plugin_state_type type = kUnknownType;
  bool read_only = false;
  size_t index = 0;                       // of its value in each entry
  std::shared_ptr<TableSchema> subtable;  // type table: the schema every entry's sub-table shares
};

// A field as list_table_fields and listFields give it.
struct ListedField {
  std::string name;
  ss_plugin_state_type type;
  bool read_only;
};

// The name, key type and fields of a table: one per exported table, and one per table-typed field, shared
// by that field's sub-tables across all entries. Changed only under the table's mutex.
class TableSchema {
 public:
  TableSchema(std::string name, ss_plugin_state_type key_type) : name_(std::move(name)), key_type_(key_type) {}
  TableSchema(const TableSchema&) = delete;
  TableSchema& operator=(const TableSchema&) = delete;

  // A schema from the owner's declaration; nullptr with *error when the declaration is not valid.
  static std::shared_ptr<TableSchema> Build(const std::string& name, ss_plugin_state_type key_type,
                                            const std::vector<OwnedFieldSpec>& specs, std::string* error);

  const std::string& name() const { return name_; }
  ss_plugin_state_type key_type() const { return key_type_; }
  const std::vector<std::unique_ptr<OwnedField>>& fields() const { return fields_; }
  const OwnedField* Find(const std::string& name) const;
  // Whether `field` is one of this schema's fields (compares addresses only).
  bool Owns(const void* field) const;
  const OwnedField& Add(std::string name, ss_plugin_state_type type, bool read_only,
                        std::shared_ptr<TableSchema> subtable);
  // What list_table_fields returns: valid until a field is added.
  const ss_plugin_table_fieldinfo* infos(uint32_t* count) const;

 private:
  std::string name_;
  ss_plugin_state_type key_type_;
  std::vector<std::unique_ptr<OwnedField>> fields_;  // static fields first, then dynamic ones
  std::vector<ss_plugin_table_fieldinfo> infos_;
};

// One entry: a value per field (absent: the type's default) and the sub-table of each table-typed field.
class OwnedEntry {
 public:
  enum class State : uint8_t { kCreated, kAttached, kRemoved };
  explicit OwnedEntry(const OwnedTable* table) : table_(table) {}
  OwnedEntry(const OwnedEntry&) = delete;
  OwnedEntry& operator=(const OwnedEntry&) = delete;
  ~OwnedEntry();

  // The table it was created for (compared, never followed: a sub-table may die before its entries).
  const OwnedTable* table() const { return table_; }

 private:
  friend class OwnedTable;
  friend struct OwnedTableVtables;
  struct Value {
    uint64_t bits = 0;
    // Strings live in their own allocation: a pointer given to others stays valid while the entry
    // grows for a field added later, until the field is written or the entry dies.
    std::unique_ptr<std::string> text;
  };

  const OwnedTable* table_;
  State state_ = State::kCreated;
  std::vector<Value> values_;
  std::vector<std::unique_ptr<OwnedTable>> subtables_;  // by field index; null but for table fields
};

class OwnedTable {
 public:
  using ErrorSink = std::function<void(const std::string&)>;

  // An exported table; nullptr with *error when its declaration is not valid. `sink` records the errors
  // of the calls others make (the owner's last error, which libsinsp reads after a failure).
  static std::shared_ptr<OwnedTable> Create(const std::string& name, ss_plugin_state_type key_type,
                                            const std::vector<OwnedFieldSpec>& fields, ErrorSink sink,
                                            std::string* error);
  ~OwnedTable();
  OwnedTable(const OwnedTable&) = delete;
  OwnedTable& operator=(const OwnedTable&) = delete;

  const std::string& name() const { return schema_->name(); }
  ss_plugin_state_type key_type() const { return schema_->key_type(); }
  const std::shared_ptr<TableSchema>& schema() const { return schema_; }
  // What add_table is given (and read_entry_field gives others for a sub-table): this table with the
  // vtables of owned_table_vtables.cc.
  ss_plugin_table_input* input() { return &input_; }

  // ---- The owner's operations: thread-safe; read-only flags do not apply; failures in *error ----
  const OwnedField* GetField(const std::string& name, ss_plugin_state_type type, std::string* error);
  const OwnedField* AddField(const std::string& name, ss_plugin_state_type type, std::string* error);
  std::vector<ListedField> ListFields();
  uint64_t Size();
  // The entry with `key` (converted to the key type), or null.
  std::shared_ptr<OwnedEntry> Find(const StateValue& key);
  // The entries now in the table (an iteration's snapshot), and whether one still is.
  std::vector<std::shared_ptr<OwnedEntry>> Entries();
  bool IsAttached(const OwnedEntry& entry);
  // A new entry, not in the table until Add.
  std::shared_ptr<OwnedEntry> NewEntry();
  // Adds a created entry (replacing the one with that key, as libsinsp does).
  bool Add(const StateValue& key, const std::shared_ptr<OwnedEntry>& entry, std::string* error);
  bool Erase(const StateValue& key, std::string* error);
  void Clear();
  // The value of a scalar field.
  StateValue Read(const OwnedEntry& entry, const OwnedField& field);
  // The sub-table of a table-typed field, kept alive by (and with) the entry.
  std::shared_ptr<OwnedTable> Subtable(const std::shared_ptr<OwnedEntry>& entry, const OwnedField& field);
  // `as_owner`: read-only fields are writable.
  bool Write(OwnedEntry& entry, const OwnedField& field, const StateValue& value, bool as_owner, std::string* error);

 private:
  friend struct OwnedTableVtables;
  // What an exported table and its sub-tables share.
  struct Root {
    std::mutex mutex;
    // The entries others hold (get_table_entry, create_table_entry, an iteration's visit) and how many
    // times: what keeps an erased entry alive, and how a pointer others pass is checked before use.
    struct Held {
      std::shared_ptr<OwnedEntry> entry;
      uint32_t count = 0;
    };
    std::unordered_map<const OwnedEntry*, Held> held;
    ErrorSink sink;
  };
  using Key = std::pair<uint64_t, std::string>;
  // Lookups by a key's parts, without copying its text.
  struct KeyLess {
    using is_transparent = void;
    using View = std::pair<uint64_t, std::string_view>;
    static View ViewOf(const Key& key) { return {key.first, key.second}; }
    static const View& ViewOf(const View& view) { return view; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return ViewOf(a) < ViewOf(b);
    }
  };
  static KeyLess::View ViewOf(const StateValue& key) {
    return {key.type == SS_PLUGIN_ST_STRING ? 0 : key.bits, key.text};
  }

  OwnedTable(std::shared_ptr<TableSchema> schema, std::shared_ptr<Root> root, bool is_root);
  static Key KeyOf(const StateValue& key) { return {key.type == SS_PLUGIN_ST_STRING ? 0 : key.bits, key.text}; }

  // Under the mutex.
  const OwnedField* GetFieldLocked(const std::string& name, ss_plugin_state_type type, std::string* error);
  const OwnedField* AddFieldLocked(const std::string& name, ss_plugin_state_type type, std::string* error);
  std::shared_ptr<OwnedEntry> NewEntryLocked();
  bool AddLocked(const StateValue& key, const std::shared_ptr<OwnedEntry>& entry, std::string* error);
  bool EraseLocked(const StateValue& key, std::string* error);
  void ClearLocked();
  bool WriteLocked(OwnedEntry& entry, const OwnedField& field, const StateValue& value, bool as_owner,
                   std::string* error);
  void Report(const std::string& message) const {
    if (root_->sink) root_->sink(message);
  }

  std::shared_ptr<TableSchema> schema_;
  std::shared_ptr<Root> root_;
  bool is_root_;
  std::map<Key, std::shared_ptr<OwnedEntry>, KeyLess> entries_;
  ss_plugin_table_input input_{};
};

// The vtables of every owned table (owned_table_vtables.cc).
void FillOwnedTableVtables(ss_plugin_table_input* input);

}  // namespace tables
}  // namespace falco_ts
