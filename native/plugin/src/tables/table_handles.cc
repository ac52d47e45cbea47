#include "tables/table_handles.h"

#include "tables/call_handles.h"
#include "tables/table_error.h"

namespace falco_ts {
namespace tables {

int32_t TableHandles::HostFamily(const std::string& name, ss_plugin_state_type key_type) {
  for (size_t i = 0; i < families_.size(); i++) {
    if (!families_[i].owned() && families_[i].name == name && families_[i].key_type == key_type) {
      return static_cast<int32_t>(i);
    }
  }
  families_.push_back({name, key_type, nullptr});
  return static_cast<int32_t>(families_.size() - 1);
}

int32_t TableHandles::OwnedFamily(const std::shared_ptr<TableSchema>& schema) {
  auto [it, added] = owned_families_.emplace(schema.get(), static_cast<int32_t>(families_.size()));
  if (added) families_.push_back({schema->name(), schema->key_type(), schema});
  return it->second;
}

int32_t TableHandles::HostSubtableFamily(int32_t parent, uint64_t field) {
  auto [it, added] = host_subtable_families_.emplace(std::make_pair(parent, field),
                                                     static_cast<int32_t>(families_.size()));
  if (added) {
    const FieldRef* ref = this->field(field);
    families_.push_back({family(parent).name + "." + (ref != nullptr ? ref->name : "?"), kUnknownType, nullptr});
  }
  return it->second;
}

uint64_t TableHandles::AddTable(TableRef table) {
  if (tables_.size() + 1 >= handle_bits::kFirstCallHandle) Fail("too many tables");
  tables_.push_back(std::move(table));
  return tables_.size() - 1;
}

const TableRef* TableHandles::table(uint64_t handle) const {
  return handle < tables_.size() ? &tables_[handle] : nullptr;
}

int64_t TableHandles::FindImported(const std::string& name, ss_plugin_state_type key_type) const {
  for (size_t i = 0; i < tables_.size(); i++) {
    const TableFamily& f = family(tables_[i].family);
    if (tables_[i].host != nullptr && f.name == name && f.key_type == key_type) return static_cast<int64_t>(i);
  }
  return -1;
}

uint64_t TableHandles::AddField(FieldRef field) {
  const void* accessor = field.host != nullptr ? static_cast<const void*>(field.host) : field.owned;
  auto [it, added] = field_handles_.emplace(std::make_pair(field.family, accessor), fields_.size());
  if (added) fields_.push_back(std::move(field));
  return it->second;
}

const FieldRef* TableHandles::field(uint64_t handle) const {
  return handle < fields_.size() ? &fields_[handle] : nullptr;
}

}  // namespace tables
}  // namespace falco_ts
