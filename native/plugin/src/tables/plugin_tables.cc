#include "tables/plugin_tables.h"

#include <exception>
#include <utility>

#include "tables/table_error.h"

namespace falco_ts {
namespace tables {

namespace {

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

const char* const kReadCalls = "init, parse_event, extract_fields, capture_open and capture_close";
const char* const kWriteCalls = "init, parse_event, capture_open and capture_close";

std::string When(const HostCall* call) {
  return call != nullptr ? std::string("during ") + CallName(call->kind) : std::string("outside a host call");
}

// Frees a lent entry's slot when its visit ends, whichever way.
class LentEntry {
 public:
  LentEntry(TableAccess& access, uint64_t handle) : access_(access), handle_(handle) {}
  ~LentEntry() { access_.entries().Free(handle_, access_.generation(), kVisitEnded); }
  LentEntry(const LentEntry&) = delete;
  LentEntry& operator=(const LentEntry&) = delete;

 private:
  TableAccess& access_;
  uint64_t handle_;
};

}  // namespace

struct PluginTables::IterationContext {
  PluginTables* self;
  const Table* table;
  const std::function<bool(uint64_t)>* visit;
  std::exception_ptr error;
};

PluginTables::PluginTables(const ss_plugin_init_tables_input* init, ss_plugin_owner_t* owner,
                           const char* (*get_owner_last_error)(ss_plugin_owner_t*), OwnedTable::ErrorSink sink)
    : access_(init, owner, get_owner_last_error), sink_(std::move(sink)) {}

// ---- handles ----

PluginTables::Table PluginTables::Resolve(uint64_t handle) {
  if (handle < handle_bits::kFirstCallHandle) {
    const TableRef* ref = handles_.table(handle);
    if (ref == nullptr) FailRange("unknown table handle " + std::to_string(handle));
    return {ref->family, &handles_.family(ref->family), ref->host, ref->owned.get(), ref->owned};
  }
  HandleState state;
  SubtableSlot* slot = access_.subtables().Find(handle, access_.generation(), &state);
  if (slot == nullptr) {
    if (state == HandleState::kUnknown) FailRange("unknown table handle " + std::to_string(handle));
    Fail("sub-table used after the call that read it returned");
  }
  return {slot->family, &handles_.family(slot->family), slot->host, slot->owned.get(), slot->owned};
}

const HostCall& PluginTables::Readable(const Table& table) const {
  const HostCall* call = access_.call();
  if (call == nullptr) {
    Fail("cannot read table " + Quoted(table.name()) + " " + When(call) + ": tables are read during " + kReadCalls);
  }
  return *call;
}

const HostCall& PluginTables::Writable(const Table& table) const {
  const HostCall* call = access_.call();
  if (call == nullptr || !call->may_write()) {
    Fail("cannot write table " + Quoted(table.name()) + " " + When(call) + ": tables are written during " +
         kWriteCalls);
  }
  return *call;
}

const HostCall& PluginTables::InitOnly(const std::string& what) const {
  const HostCall* call = access_.call();
  if (call == nullptr) Fail("cannot " + what + " outside init: only during init");
  if (call->kind != CallKind::kInit) Fail("cannot " + what + " " + When(call) + ": only during init");
  return *call;
}

EntrySlot& PluginTables::Entry(const Table& table, uint64_t handle) {
  HandleState state;
  uint8_t reason = kEndedUnknown;
  EntrySlot* slot = access_.entries().Find(handle, access_.generation(), &state, &reason);
  if (slot == nullptr) {
    switch (state) {
      case HandleState::kOtherCall: Fail("table entry used after the call that obtained it returned");
      case HandleState::kUnknown: FailRange("unknown table entry handle " + std::to_string(handle));
      default: break;
    }
    switch (reason) {
      case kDestroyed: Fail("table entry used after destroyEntry destroyed it");
      case kConsumed: Fail("table entry used after addEntry consumed it: use the entry addEntry returned");
      case kVisitEnded: Fail("table entry used after the visit of iterateEntries it was lent to returned");
      default: Fail("table entry used after it was released");
    }
  }
  if (slot->table != table.identity()) {
    const std::string& other = handles_.family(slot->family).name;
    Fail("an entry of table " + Quoted(other) + " was used with " +
         (other == table.name() ? "another table of that name" : "table " + Quoted(table.name())));
  }
  return *slot;
}

const FieldRef& PluginTables::Field(const Table& table, uint64_t handle) const {
  const FieldRef* field = handles_.field(handle);
  if (field == nullptr) FailRange("unknown field handle " + std::to_string(handle));
  if (field->family != table.family) {
    FailType("field " + Quoted(field->name) + " is a field of table " + Quoted(handles_.family(field->family).name) +
             ", not of table " + Quoted(table.name()));
  }
  return *field;
}

uint64_t PluginTables::Hold(const Table& table, EntrySlot::Kind kind, ss_plugin_table_entry_t* host_entry,
                            std::shared_ptr<OwnedEntry> owned) {
  EntrySlot slot;
  slot.kind = kind;
  slot.family = table.family;
  slot.table = table.identity();
  slot.host_table = table.host;
  slot.host_entry = host_entry;
  slot.owned = std::move(owned);
  return access_.entries().Add(std::move(slot), access_.generation());
}

uint64_t PluginTables::SubtableHandle(int32_t family, ss_plugin_table_t* host, std::shared_ptr<OwnedTable> owned) {
  const void* address = owned ? static_cast<const void*>(owned.get()) : host;
  auto it = access_.subtable_handles().find(address);
  if (it != access_.subtable_handles().end()) {
    HandleState state;
    SubtableSlot* slot = access_.subtables().Find(it->second, access_.generation(), &state);
    if (slot != nullptr && slot->family == family) return it->second;
  }
  const uint64_t handle = access_.subtables().Add({family, host, std::move(owned)}, access_.generation());
  access_.subtable_handles()[address] = handle;
  return handle;
}

PluginTables::Expected PluginTables::KeyOf(uint64_t table) {
  const Table t = Resolve(table);
  return {t.info->key_type, &t.name(), nullptr};
}

PluginTables::Expected PluginTables::ValueOf(uint64_t table, uint64_t field) {
  const Table t = Resolve(table);
  const FieldRef& f = Field(t, field);
  return {f.type, &t.name(), &f.name};
}

// ---- init only ----

std::vector<host::ListedTable> PluginTables::ListTables() { return host::ListTables(InitOnly("list tables")); }

uint64_t PluginTables::GetTable(const std::string& name, ss_plugin_state_type key_type) {
  const HostCall& call = InitOnly("import table " + Quoted(name));
  if (!IsScalarType(key_type)) {
    FailRange("cannot import table " + Quoted(name) + ": " + TypeName(key_type) + " is not a key type");
  }
  const int64_t known = handles_.FindImported(name, key_type);
  if (known >= 0) return static_cast<uint64_t>(known);
  ss_plugin_table_t* table = host::GetTable(call, name, key_type);
  const uint64_t handle = handles_.AddTable({handles_.HostFamily(name, key_type), table, nullptr});
  imported_.store(true, std::memory_order_relaxed);
  return handle;
}

uint64_t PluginTables::AddTable(const std::string& name, ss_plugin_state_type key_type,
                                const std::vector<OwnedFieldSpec>& fields) {
  const HostCall& call = InitOnly("export table " + Quoted(name));
  std::string error;
  std::shared_ptr<OwnedTable> table = OwnedTable::Create(name, key_type, fields, sink_, &error);
  if (!table) Fail("cannot export table " + Quoted(name) + ": " + error);
  host::AddTable(call, *table);
  return handles_.AddTable({handles_.OwnedFamily(table->schema()), nullptr, std::move(table)});
}

uint64_t PluginTables::AddField(uint64_t table, const std::string& name, ss_plugin_state_type type) {
  const Table t = Resolve(table);
  std::string error;
  if (t.owned != nullptr) {
    const OwnedField* field = t.owned->AddField(name, type, &error);
    if (field == nullptr) Fail(error);
    return handles_.AddField({t.family, name, type, nullptr, field});
  }
  const HostCall& call = InitOnly("add field " + Quoted(name) + " to table " + Quoted(t.name()));
  if (type == SS_PLUGIN_ST_TABLE) {
    Fail("cannot add field " + Quoted(name) + " to table " + Quoted(t.name()) +
         ": a field added by a plugin cannot be a table");
  }
  return handles_.AddField({t.family, name, type, host::AddField(call, t.name(), t.host, name, type), nullptr});
}

// ---- readers ----

uint64_t PluginTables::GetField(uint64_t table, const std::string& name, ss_plugin_state_type type) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) {
    std::string error;
    const OwnedField* field = t.owned->GetField(name, type, &error);
    if (field == nullptr) Fail("cannot get field " + Quoted(name) + " of table " + Quoted(t.name()) + ": " + error);
    return handles_.AddField({t.family, name, type, nullptr, field});
  }
  const HostCall& call = InitOnly("get field " + Quoted(name) + " of table " + Quoted(t.name()));
  return handles_.AddField({t.family, name, type, host::GetField(call, t.name(), t.host, name, type), nullptr});
}

std::vector<ListedField> PluginTables::ListFields(uint64_t table) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) return t.owned->ListFields();
  const HostCall& call = Readable(t);
  // Only init gives a fields vtable: later calls list through init's (libsinsp's functions stay valid).
  return host::ListFields(call.kind == CallKind::kInit ? call : access_.init_call(), t.name(), t.host);
}

std::string PluginTables::TableName(uint64_t table) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) return t.owned->name();
  return host::TableName(Readable(t), t.name(), t.host);
}

uint64_t PluginTables::TableSize(uint64_t table) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) return t.owned->Size();
  return host::TableSize(Readable(t), t.name(), t.host);
}

int64_t PluginTables::GetEntry(uint64_t table, const StateValue& key) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) {
    std::shared_ptr<OwnedEntry> entry = t.owned->Find(key);
    if (!entry) return -1;
    return static_cast<int64_t>(Hold(t, EntrySlot::Kind::kObtained, nullptr, std::move(entry)));
  }
  ss_plugin_table_entry_t* entry = host::GetEntry(Readable(t), t.name(), t.host, key);
  if (entry == nullptr) return -1;
  return static_cast<int64_t>(Hold(t, EntrySlot::Kind::kObtained, entry, nullptr));
}

StateValue PluginTables::ReadField(uint64_t table, uint64_t entry, uint64_t field) {
  const Table t = Resolve(table);
  EntrySlot& e = Entry(t, entry);
  const FieldRef& f = Field(t, field);
  if (t.owned != nullptr) {
    if (f.type != SS_PLUGIN_ST_TABLE) return t.owned->Read(*e.owned, *f.owned);
    std::shared_ptr<OwnedTable> subtable = t.owned->Subtable(e.owned, *f.owned);
    if (!subtable) Fail("cannot read field " + Quoted(f.name) + " of table " + Quoted(t.name()) + ": no sub-table");
    const int32_t family = handles_.OwnedFamily(subtable->schema());
    return {SS_PLUGIN_ST_TABLE, SubtableHandle(family, nullptr, std::move(subtable)), ""};
  }
  const ss_plugin_state_data data = host::ReadField(Readable(t), t.name(), t.host, e.host_entry, f.name, f.host);
  if (f.type != SS_PLUGIN_ST_TABLE) return FromStateData(f.type, data);
  if (data.table == nullptr) {
    Fail("cannot read field " + Quoted(f.name) + " of table " + Quoted(t.name()) + ": the host gave no table");
  }
  const int32_t family = handles_.HostSubtableFamily(t.family, field);
  return {SS_PLUGIN_ST_TABLE, SubtableHandle(family, data.table, nullptr), ""};
}

void PluginTables::ReleaseEntry(uint64_t table, uint64_t entry) {
  const Table t = Resolve(table);
  EntrySlot& e = Entry(t, entry);
  switch (e.kind) {
    case EntrySlot::Kind::kLent: return;  // the iteration's: nothing to release
    case EntrySlot::Kind::kCreated:
      Fail("cannot release an entry of table " + Quoted(t.name()) +
           " made by createEntry: add it with addEntry or destroy it with destroyEntry");
    case EntrySlot::Kind::kObtained: break;
  }
  if (e.host_entry != nullptr) host::ReleaseEntry(Readable(t), t.name(), t.host, e.host_entry);
  access_.entries().Free(entry, access_.generation(), kReleased);
}

ss_plugin_bool PluginTables::VisitHostEntry(ss_plugin_table_iterator_state_t* state, ss_plugin_table_entry_t* entry) {
  auto& context = *static_cast<IterationContext*>(state);
  try {
    const uint64_t handle = context.self->Hold(*context.table, EntrySlot::Kind::kLent, entry, nullptr);
    const LentEntry lent(context.self->access_, handle);
    return (*context.visit)(handle) ? 1 : 0;
  } catch (...) {
    // Never through the host's frames: rethrown once its iteration returned.
    context.error = std::current_exception();
    return 0;
  }
}

bool PluginTables::IterateEntries(uint64_t table, const std::function<bool(uint64_t)>& visit) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) {
    for (std::shared_ptr<OwnedEntry>& entry : t.owned->Entries()) {
      if (!t.owned->IsAttached(*entry)) continue;  // erased by an earlier visit
      const uint64_t handle = Hold(t, EntrySlot::Kind::kLent, nullptr, std::move(entry));
      const LentEntry lent(access_, handle);
      if (!visit(handle)) return false;
    }
    return true;
  }
  const HostCall& call = Readable(t);
  IterationContext context{this, &t, &visit, nullptr};
  const bool completed = host::IterateEntries(call, t.name(), t.host, &VisitHostEntry, &context);
  if (context.error) std::rethrow_exception(context.error);
  return completed;
}

// ---- writers ----

void PluginTables::WriteField(uint64_t table, uint64_t entry, uint64_t field, const StateValue& value) {
  const Table t = Resolve(table);
  EntrySlot& e = Entry(t, entry);
  const FieldRef& f = Field(t, field);
  if (f.type == SS_PLUGIN_ST_TABLE) {
    Fail("cannot write field " + Quoted(f.name) + " of table " + Quoted(t.name()) + ": it is a table");
  }
  if (t.owned != nullptr) {
    std::string error;
    if (!t.owned->Write(*e.owned, *f.owned, value, true, &error)) Fail(error);
    return;
  }
  host::WriteField(Writable(t), t.name(), t.host, e.host_entry, f.name, f.host, value);
}

uint64_t PluginTables::CreateEntry(uint64_t table) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) return Hold(t, EntrySlot::Kind::kCreated, nullptr, t.owned->NewEntry());
  ss_plugin_table_entry_t* entry = host::CreateEntry(Writable(t), t.name(), t.host);
  return Hold(t, EntrySlot::Kind::kCreated, entry, nullptr);
}

uint64_t PluginTables::AddEntry(uint64_t table, const StateValue& key, uint64_t entry) {
  const Table t = Resolve(table);
  EntrySlot& e = Entry(t, entry);
  if (e.kind != EntrySlot::Kind::kCreated) {
    Fail("cannot add an entry to table " + Quoted(t.name()) + ": it was not created by createEntry");
  }
  if (t.owned != nullptr) {
    std::shared_ptr<OwnedEntry> created = e.owned;
    std::string error;
    if (!t.owned->Add(key, created, &error)) Fail(error);
    const uint64_t added = Hold(t, EntrySlot::Kind::kObtained, nullptr, std::move(created));
    access_.entries().Free(entry, access_.generation(), kConsumed);  // after: its slot keeps why
    return added;
  }
  const HostCall& call = Writable(t);
  ss_plugin_table_entry_t* created = e.host_entry;
  // The host takes the created entry whether it adds it or not (libsinsp does): it is not destroyed later.
  struct Consume {
    TableAccess& access;
    uint64_t entry;
    ~Consume() { access.entries().Free(entry, access.generation(), kConsumed); }
  } consume{access_, entry};
  ss_plugin_table_entry_t* added = host::AddEntry(call, t.name(), t.host, key, created);
  return Hold(t, EntrySlot::Kind::kObtained, added, nullptr);
}

void PluginTables::DestroyEntry(uint64_t table, uint64_t entry) {
  const Table t = Resolve(table);
  EntrySlot& e = Entry(t, entry);
  if (e.kind != EntrySlot::Kind::kCreated) {
    Fail("cannot destroy an entry of table " + Quoted(t.name()) +
         ": only an entry made by createEntry and not added is destroyed");
  }
  if (e.host_entry != nullptr) host::DestroyEntry(Writable(t), t.name(), t.host, e.host_entry);
  access_.entries().Free(entry, access_.generation(), kDestroyed);
}

void PluginTables::EraseEntry(uint64_t table, const StateValue& key) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) {
    std::string error;
    if (!t.owned->Erase(key, &error)) Fail(error);
    return;
  }
  host::EraseEntry(Writable(t), t.name(), t.host, key);
}

void PluginTables::ClearTable(uint64_t table) {
  const Table t = Resolve(table);
  if (t.owned != nullptr) return t.owned->Clear();
  host::ClearTable(Writable(t), t.name(), t.host);
}

}  // namespace tables
}  // namespace falco_ts
