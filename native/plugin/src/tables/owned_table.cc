#include "tables/owned_table.h"

namespace falco_ts {
namespace tables {

namespace {

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// Checks a declaration and adds its fields to `schema` (their sub-schemas included).
bool AddDeclaredFields(TableSchema& schema, const std::vector<OwnedFieldSpec>& specs, std::string* error) {
  for (const OwnedFieldSpec& spec : specs) {
    const std::string what = "field " + Quoted(spec.name) + " of table " + Quoted(schema.name());
    if (spec.name.empty()) {
      *error = "a field of table " + Quoted(schema.name()) + " has an empty name";
      return false;
    }
    if (schema.Find(spec.name) != nullptr) {
      *error = "table " + Quoted(schema.name()) + " declares field " + Quoted(spec.name) + " twice";
      return false;
    }
    if (spec.type == SS_PLUGIN_ST_TABLE) {
      if (!IsScalarType(spec.subtable_key)) {
        *error = what + " is a table whose key type " + TypeName(spec.subtable_key) + " is not a key type";
        return false;
      }
      auto subtable = std::make_shared<TableSchema>(schema.name() + "." + spec.name, spec.subtable_key);
      if (!AddDeclaredFields(*subtable, spec.subtable_fields, error)) return false;
      schema.Add(spec.name, spec.type, spec.read_only, std::move(subtable));
      continue;
    }
    if (!IsScalarType(spec.type)) {
      *error = what + " has " + TypeName(spec.type) + ", not a state type";
      return false;
    }
    schema.Add(spec.name, spec.type, spec.read_only, nullptr);
  }
  return true;
}

}  // namespace

// ---- TableSchema ----

std::shared_ptr<TableSchema> TableSchema::Build(const std::string& name, ss_plugin_state_type key_type,
                                                const std::vector<OwnedFieldSpec>& specs, std::string* error) {
  if (name.empty()) {
    *error = "a table needs a name";
    return nullptr;
  }
  if (!IsScalarType(key_type)) {
    *error = "its key type " + TypeName(key_type) + " is not a key type";
    return nullptr;
  }
  auto schema = std::make_shared<TableSchema>(name, key_type);
  if (!AddDeclaredFields(*schema, specs, error)) return nullptr;
  return schema;
}

const OwnedField* TableSchema::Find(const std::string& name) const {
  for (const std::unique_ptr<OwnedField>& field : fields_) {
    if (field->name == name) return field.get();
  }
  return nullptr;
}

bool TableSchema::Owns(const void* field) const {
  for (const std::unique_ptr<OwnedField>& owned : fields_) {
    if (owned.get() == field) return true;
  }
  return false;
}

const OwnedField& TableSchema::Add(std::string name, ss_plugin_state_type type, bool read_only,
                                   std::shared_ptr<TableSchema> subtable) {
  auto field = std::make_unique<OwnedField>();
  field->schema = this;
  field->name = std::move(name);
  field->type = type;
  field->read_only = read_only;
  field->index = fields_.size();
  field->subtable = std::move(subtable);
  fields_.push_back(std::move(field));
  infos_.clear();
  for (const std::unique_ptr<OwnedField>& f : fields_) {
    infos_.push_back({f->name.c_str(), f->type, f->read_only ? 1u : 0u});
  }
  return *fields_.back();
}

const ss_plugin_table_fieldinfo* TableSchema::infos(uint32_t* count) const {
  static const ss_plugin_table_fieldinfo kNone = {"", SS_PLUGIN_ST_INT8, 0};
  *count = static_cast<uint32_t>(infos_.size());
  return infos_.empty() ? &kNone : infos_.data();
}

// ---- OwnedEntry ----

OwnedEntry::~OwnedEntry() = default;

// ---- OwnedTable ----

std::shared_ptr<OwnedTable> OwnedTable::Create(const std::string& name, ss_plugin_state_type key_type,
                                               const std::vector<OwnedFieldSpec>& fields, ErrorSink sink,
                                               std::string* error) {
  std::shared_ptr<TableSchema> schema = TableSchema::Build(name, key_type, fields, error);
  if (!schema) return nullptr;
  auto root = std::make_shared<Root>();
  root->sink = std::move(sink);
  return std::shared_ptr<OwnedTable>(new OwnedTable(std::move(schema), std::move(root), true));
}

OwnedTable::OwnedTable(std::shared_ptr<TableSchema> schema, std::shared_ptr<Root> root, bool is_root)
    : schema_(std::move(schema)), root_(std::move(root)), is_root_(is_root) {
  input_.name = schema_->name().c_str();
  input_.key_type = schema_->key_type();
  input_.table = this;
  FillOwnedTableVtables(&input_);
}

OwnedTable::~OwnedTable() {
  if (!is_root_) return;
  // The entries others still hold keep the root alive through their sub-tables: let them go with it
  // (outside the lock: their sub-tables are destroyed with them).
  std::unordered_map<const OwnedEntry*, Root::Held> held;
  std::map<Key, std::shared_ptr<OwnedEntry>, KeyLess> entries;
  {
    std::lock_guard<std::mutex> lock(root_->mutex);
    held.swap(root_->held);
    entries.swap(entries_);
  }
}

const OwnedField* OwnedTable::GetField(const std::string& name, ss_plugin_state_type type, std::string* error) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return GetFieldLocked(name, type, error);
}

const OwnedField* OwnedTable::GetFieldLocked(const std::string& name, ss_plugin_state_type type,
                                             std::string* error) {
  const OwnedField* field = schema_->Find(name);
  if (field == nullptr) {
    *error = "table " + Quoted(this->name()) + " has no field " + Quoted(name);
    return nullptr;
  }
  if (field->type != type) {
    *error = "field " + Quoted(name) + " of table " + Quoted(this->name()) + " has type " + TypeName(field->type) +
             ", not " + TypeName(type);
    return nullptr;
  }
  return field;
}

const OwnedField* OwnedTable::AddField(const std::string& name, ss_plugin_state_type type, std::string* error) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return AddFieldLocked(name, type, error);
}

const OwnedField* OwnedTable::AddFieldLocked(const std::string& name, ss_plugin_state_type type,
                                             std::string* error) {
  const std::string what = "cannot add field " + Quoted(name) + " to table " + Quoted(this->name()) + ": ";
  if (type == SS_PLUGIN_ST_TABLE) {
    *error = what + "a field added by a plugin cannot be a table";
    return nullptr;
  }
  if (!IsScalarType(type)) {
    *error = what + TypeName(type) + " is not a state type";
    return nullptr;
  }
  if (name.empty()) {
    *error = what + "a field needs a name";
    return nullptr;
  }
  if (const OwnedField* existing = schema_->Find(name)) {
    if (existing->type == type) return existing;
    *error = what + "it exists with type " + TypeName(existing->type);
    return nullptr;
  }
  return &schema_->Add(name, type, false, nullptr);
}

std::vector<ListedField> OwnedTable::ListFields() {
  std::lock_guard<std::mutex> lock(root_->mutex);
  std::vector<ListedField> listed;
  for (const std::unique_ptr<OwnedField>& field : schema_->fields()) {
    listed.push_back({field->name, field->type, field->read_only});
  }
  return listed;
}

uint64_t OwnedTable::Size() {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return entries_.size();
}

std::shared_ptr<OwnedEntry> OwnedTable::Find(const StateValue& key) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  auto it = entries_.find(ViewOf(key));
  return it == entries_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<OwnedEntry>> OwnedTable::Entries() {
  std::lock_guard<std::mutex> lock(root_->mutex);
  std::vector<std::shared_ptr<OwnedEntry>> entries;
  entries.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) entries.push_back(entry);
  return entries;
}

bool OwnedTable::IsAttached(const OwnedEntry& entry) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return entry.state_ == OwnedEntry::State::kAttached;
}

std::shared_ptr<OwnedEntry> OwnedTable::NewEntry() {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return NewEntryLocked();
}

std::shared_ptr<OwnedEntry> OwnedTable::NewEntryLocked() {
  auto entry = std::make_shared<OwnedEntry>(this);
  const std::vector<std::unique_ptr<OwnedField>>& fields = schema_->fields();
  entry->values_.resize(fields.size());
  for (const std::unique_ptr<OwnedField>& field : fields) {
    if (!field->subtable) continue;
    if (entry->subtables_.size() <= field->index) entry->subtables_.resize(field->index + 1);
    entry->subtables_[field->index].reset(new OwnedTable(field->subtable, root_, false));
  }
  return entry;
}

bool OwnedTable::Add(const StateValue& key, const std::shared_ptr<OwnedEntry>& entry, std::string* error) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return AddLocked(key, entry, error);
}

bool OwnedTable::AddLocked(const StateValue& key, const std::shared_ptr<OwnedEntry>& entry, std::string* error) {
  if (!entry || entry->table_ != this || entry->state_ != OwnedEntry::State::kCreated) {
    *error = "cannot add an entry to table " + Quoted(name()) +
             ": it was not created for this table, or it was already added";
    return false;
  }
  std::shared_ptr<OwnedEntry>& slot = entries_[KeyOf(key)];
  if (slot) slot->state_ = OwnedEntry::State::kRemoved;
  slot = entry;
  entry->state_ = OwnedEntry::State::kAttached;
  return true;
}

bool OwnedTable::Erase(const StateValue& key, std::string* error) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return EraseLocked(key, error);
}

bool OwnedTable::EraseLocked(const StateValue& key, std::string* error) {
  auto it = entries_.find(ViewOf(key));
  if (it == entries_.end()) {
    *error = "no entry has key " + Describe(key);
    return false;
  }
  it->second->state_ = OwnedEntry::State::kRemoved;
  entries_.erase(it);
  return true;
}

void OwnedTable::Clear() {
  std::map<Key, std::shared_ptr<OwnedEntry>, KeyLess> entries;  // destroyed outside the lock
  std::lock_guard<std::mutex> lock(root_->mutex);
  for (auto& [key, entry] : entries_) entry->state_ = OwnedEntry::State::kRemoved;
  entries.swap(entries_);
}

void OwnedTable::ClearLocked() {
  for (auto& [key, entry] : entries_) entry->state_ = OwnedEntry::State::kRemoved;
  entries_.clear();
}

StateValue OwnedTable::Read(const OwnedEntry& entry, const OwnedField& field) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  StateValue value;
  value.type = field.type;
  if (field.index < entry.values_.size()) {
    const OwnedEntry::Value& stored = entry.values_[field.index];
    value.bits = stored.bits;
    if (stored.text) value.text = *stored.text;
  }
  return value;
}

std::shared_ptr<OwnedTable> OwnedTable::Subtable(const std::shared_ptr<OwnedEntry>& entry, const OwnedField& field) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  if (field.index >= entry->subtables_.size() || !entry->subtables_[field.index]) return nullptr;
  return std::shared_ptr<OwnedTable>(entry, entry->subtables_[field.index].get());
}

bool OwnedTable::Write(OwnedEntry& entry, const OwnedField& field, const StateValue& value, bool as_owner,
                       std::string* error) {
  std::lock_guard<std::mutex> lock(root_->mutex);
  return WriteLocked(entry, field, value, as_owner, error);
}

bool OwnedTable::WriteLocked(OwnedEntry& entry, const OwnedField& field, const StateValue& value, bool as_owner,
                             std::string* error) {
  const auto what = [&]() { return "cannot write field " + Quoted(field.name) + " of table " + Quoted(name()) + ": "; };
  if (field.type == SS_PLUGIN_ST_TABLE) {
    *error = what() + "it is a table";
    return false;
  }
  if (field.read_only && !as_owner) {
    *error = what() + "the field is read-only";
    return false;
  }
  if (entry.values_.size() <= field.index) entry.values_.resize(field.index + 1);
  OwnedEntry::Value& stored = entry.values_[field.index];
  if (field.type == SS_PLUGIN_ST_STRING) {
    if (stored.text) {
      *stored.text = value.text;
    } else {
      stored.text = std::make_unique<std::string>(value.text);
    }
  } else {
    stored.bits = value.bits;
  }
  return true;
}

}  // namespace tables
}  // namespace falco_ts
