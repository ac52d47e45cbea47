// The lasting handles of one plugin state: the tables it imported (getTable) or exported (addTable),
// and the field accessors it obtained. Both are indexes into the vectors below. A field belongs to a
// table family: a table, or all the sub-tables of one table-typed field (whose accessors libsinsp shares
// across entries); a field is used only with a table of its family.
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tables/owned_table.h"

namespace falco_ts {
namespace tables {

struct TableFamily {
  std::string name;  // a sub-table's: "<table>.<field>"
  ss_plugin_state_type key_type = kUnknownType;  // unknown for the host's sub-tables (the API does not say)
  std::shared_ptr<TableSchema> schema;           // the plugin's own tables only
  bool owned() const { return schema != nullptr; }
};

struct TableRef {
  int32_t family = -1;
  ss_plugin_table_t* host = nullptr;   // imported
  std::shared_ptr<OwnedTable> owned;   // exported
};

struct FieldRef {
  int32_t family = -1;
  std::string name;
  ss_plugin_state_type type = kUnknownType;
  ss_plugin_table_field_t* host = nullptr;  // of an imported table
  const OwnedField* owned = nullptr;        // of an exported one (kept alive by its family's schema)
};

class TableHandles {
 public:
  const TableFamily& family(int32_t index) const { return families_[static_cast<size_t>(index)]; }

  // The family of a table imported by name, of one exported, of the sub-tables of a host table's field.
  int32_t HostFamily(const std::string& name, ss_plugin_state_type key_type);
  int32_t OwnedFamily(const std::shared_ptr<TableSchema>& schema);
  int32_t HostSubtableFamily(int32_t parent, uint64_t field);

  // Lasting table handles (below handle_bits::kFirstCallHandle).
  uint64_t AddTable(TableRef table);
  const TableRef* table(uint64_t handle) const;
  // The handle already given for an imported table of that name and key type, or -1.
  int64_t FindImported(const std::string& name, ss_plugin_state_type key_type) const;

  // Field handles; the same accessor of a family always has the same handle.
  uint64_t AddField(FieldRef field);
  const FieldRef* field(uint64_t handle) const;

 private:
  std::deque<TableFamily> families_;  // a deque: names given out stay valid as families are added
  std::map<std::pair<int32_t, uint64_t>, int32_t> host_subtable_families_;
  std::map<const TableSchema*, int32_t> owned_families_;
  std::vector<TableRef> tables_;
  std::deque<FieldRef> fields_;
  std::map<std::pair<int32_t, const void*>, uint64_t> field_handles_;
};

}  // namespace tables
}  // namespace falco_ts
