// A generic in-memory state table of the host: static and dynamic typed
// fields with read-only flags, entries held by shared ownership (an entry
// erased from its table stays valid for whoever still holds it) and
// sub-tables (a field of type table gives every entry a table of its own, all
// of them sharing one schema, so a field accessor of one is valid for all).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "falco_plugin_api.h"

namespace fph {

class HostTable;
class Schema;

// A key of a host table: int64, uint64 or string keys.
using TableKey = std::variant<int64_t, uint64_t, std::string>;

// Whether host tables support keys of this type.
bool host_key_type_supported(ss_plugin_state_type t);

// Reads a key of the given type from a plugin's state data. Returns false
// with a reason when it cannot (NULL data, NULL string).
bool key_from_state(ss_plugin_state_type key_type, const ss_plugin_state_data* data, TableKey& out,
                    std::string& err);

// The key as a message shows it: digits, or a quoted string.
std::string key_text(const TableKey& key);

struct FieldDef {
    std::string name;
    ss_plugin_state_type type = SS_PLUGIN_ST_INT8;
    bool read_only = false;
    bool dynamic = false;
    size_t index = 0;                 // of the value in an entry
    std::shared_ptr<Schema> subtable;  // the sub-tables' schema, for a field of type table
};

// The definition of a table: its name, key type and fields (static ones,
// defined before the table is used, then the dynamic ones plugins add).
class Schema {
public:
    Schema(std::string table_name, ss_plugin_state_type key_type);
    Schema(const Schema&) = delete;
    Schema& operator=(const Schema&) = delete;

    const std::string& table_name() const { return table_name_; }
    ss_plugin_state_type key_type() const { return key_type_; }

    // Static fields (not of type table), then static sub-table fields.
    const FieldDef& add_static(const std::string& name, ss_plugin_state_type type, bool read_only = false);
    const FieldDef& add_static_table(const std::string& name, std::shared_ptr<Schema> subtable,
                                     bool read_only);
    // The static int64 field an entry added with a key takes the key's value
    // in (threads: tid), as libsinsp's thread table does.
    void set_key_field(const std::string& name);
    const FieldDef* key_field() const { return key_field_; }

    // Adds a dynamic field; an existing dynamic field of the same type is
    // returned. nullptr with a reason on failure.
    const FieldDef* add_dynamic(const std::string& name, ss_plugin_state_type type, std::string& err);

    const FieldDef* find(std::string_view name) const;
    // Whether p is one of this schema's fields (compared, never dereferenced).
    bool owns(const void* p) const;
    // Static fields first, then dynamic ones, in the order they were defined.
    const std::vector<std::unique_ptr<FieldDef>>& fields() const { return fields_; }

    // list_table_fields' array, rebuilt at each call (valid until the next).
    const ss_plugin_table_fieldinfo* field_infos(uint32_t& count);

private:
    FieldDef& define(const std::string& name, ss_plugin_state_type type, bool read_only, bool dynamic);

    std::string table_name_;
    ss_plugin_state_type key_type_;
    std::vector<std::unique_ptr<FieldDef>> fields_;
    const FieldDef* key_field_ = nullptr;
    std::vector<ss_plugin_table_fieldinfo> infos_;
};

// The value of one field in an entry.
struct Cell {
    ss_plugin_state_data num{};        // integers and bool
    std::string str;                   // string
    std::shared_ptr<HostTable> table;  // table
};

class Entry {
public:
    // An entry with every static field zero or empty and an empty sub-table
    // for every table field.
    explicit Entry(std::shared_ptr<Schema> schema);
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    const Schema* schema() const { return schema_.get(); }

    // The value of a field that is not of type table (strings point into the
    // entry; a dynamic field never written reads as zero or "").
    void read(const FieldDef& f, ss_plugin_state_data& out) const;
    // Writes a field that is not of type table; a string must not be NULL.
    void write(const FieldDef& f, const ss_plugin_state_data& in);
    // The sub-table of a field of type table.
    std::shared_ptr<HostTable> subtable(const FieldDef& f) const;

    // The key it was added with (nullptr while detached).
    const TableKey* key() const { return has_key_ ? &key_ : nullptr; }

private:
    friend class HostTable;
    std::shared_ptr<Schema> schema_;
    std::vector<Cell> cells_;  // grows when a dynamic field is first written
    TableKey key_;
    bool has_key_ = false;
};

class HostTable {
public:
    explicit HostTable(std::shared_ptr<Schema> schema) : schema_(std::move(schema)) {}
    HostTable(const HostTable&) = delete;
    HostTable& operator=(const HostTable&) = delete;

    const std::string& name() const { return schema_->table_name(); }
    ss_plugin_state_type key_type() const { return schema_->key_type(); }
    Schema& schema() const { return *schema_; }

    size_t size() const { return entries_.size(); }
    std::shared_ptr<Entry> get(const TableKey& key) const;
    // A detached entry, to fill and add.
    std::unique_ptr<Entry> new_entry() const { return std::make_unique<Entry>(schema_); }
    // Adds an entry of this table's schema at key, replacing any entry there.
    std::shared_ptr<Entry> add(const TableKey& key, std::unique_ptr<Entry> entry);
    bool erase(const TableKey& key);
    void clear() { entries_.clear(); }
    // The entries in key order, each kept alive by the returned vector.
    std::vector<std::shared_ptr<Entry>> snapshot() const;

private:
    std::shared_ptr<Schema> schema_;
    std::map<TableKey, std::shared_ptr<Entry>> entries_;
};

}  // namespace fph
