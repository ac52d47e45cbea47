// The functions libsinsp and the other plugins call on the plugin's exported tables: the vtables of
// every OwnedTable's ss_plugin_table_input. Each checks the pointers it is given against what it handed
// out (no pointer of another table or an unknown entry is followed), never lets a C++ exception out,
// and on failure returns NULL / SS_PLUGIN_FAILURE after recording its message in the plugin's last
// error (what libsinsp reads for a plugin-owned table).
#include <exception>

#include "guard.h"
#include "tables/owned_table.h"

namespace falco_ts {
namespace tables {

struct OwnedTableVtables {
  using Held = OwnedTable::Root::Held;

  static OwnedTable& Of(ss_plugin_table_t* t) { return *static_cast<OwnedTable*>(t); }

  // Runs `body` on the table; any exception becomes a recorded error and `failed`.
  template <typename Body, typename Result>
  static Result Run(ss_plugin_table_t* t, const char* call, Result failed, Body&& body) noexcept {
    if (t == nullptr) return failed;
    OwnedTable& table = Of(t);
    return Guard([&]() -> Result { return body(table); },
                 [&](const std::string& e) -> Result {
                   try {
                     table.Report(std::string(call) + " on table '" + table.name() + "': " + e);
                   } catch (...) {
                   }
                   return failed;
                 });
  }

  // The key others pass, as the table keys it. False (error recorded) when there is none.
  static bool KeyFrom(OwnedTable& table, const ss_plugin_state_data* key, StateValue* out) {
    if (key == nullptr || (table.key_type() == SS_PLUGIN_ST_STRING && key->str == nullptr)) {
      table.Report("no key given for table '" + table.name() + "'");
      return false;
    }
    *out = FromStateData(table.key_type(), *key);
    return true;
  }

  // An entry others hold of this table, or null (error recorded).
  static OwnedEntry* HeldEntry(OwnedTable& table, ss_plugin_table_entry_t* e, const char* what) {
    auto it = table.root_->held.find(static_cast<const OwnedEntry*>(e));
    if (it == table.root_->held.end() || it->second.entry->table_ != &table) {
      table.Report(std::string("cannot ") + what + " of table '" + table.name() +
                   "': the entry is not one obtained from this table, or it was released");
      return nullptr;
    }
    return it->second.entry.get();
  }

  static const OwnedField* FieldOf(OwnedTable& table, const ss_plugin_table_field_t* f, const char* what) {
    if (f == nullptr || !table.schema_->Owns(f)) {
      table.Report(std::string("cannot ") + what + " of table '" + table.name() + "': unknown field accessor");
      return nullptr;
    }
    return static_cast<const OwnedField*>(f);
  }

  static void Hold(OwnedTable& table, const std::shared_ptr<OwnedEntry>& entry) {
    Held& held = table.root_->held[entry.get()];
    if (!held.entry) held.entry = entry;
    held.count++;
  }

  static void Unhold(OwnedTable& table, const OwnedEntry* entry) {
    auto it = table.root_->held.find(entry);
    if (it != table.root_->held.end() && --it->second.count == 0) table.root_->held.erase(it);
  }

  // ---- fields ----

  static const ss_plugin_table_fieldinfo* ListFields(ss_plugin_table_t* t, uint32_t* nfields) {
    return Run(t, "list_table_fields", static_cast<const ss_plugin_table_fieldinfo*>(nullptr),
               [&](OwnedTable& table) -> const ss_plugin_table_fieldinfo* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 uint32_t count = 0;
                 const ss_plugin_table_fieldinfo* infos = table.schema_->infos(&count);
                 if (nfields != nullptr) *nfields = count;
                 return infos;
               });
  }

  static ss_plugin_table_field_t* GetField(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return Run(t, "get_table_field", static_cast<ss_plugin_table_field_t*>(nullptr),
               [&](OwnedTable& table) -> ss_plugin_table_field_t* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 std::string error;
                 const OwnedField* field = table.GetFieldLocked(name != nullptr ? name : "", type, &error);
                 if (field == nullptr) table.Report(error);
                 return const_cast<OwnedField*>(field);
               });
  }

  static ss_plugin_table_field_t* AddField(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return Run(t, "add_table_field", static_cast<ss_plugin_table_field_t*>(nullptr),
               [&](OwnedTable& table) -> ss_plugin_table_field_t* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 std::string error;
                 const OwnedField* field = table.AddFieldLocked(name != nullptr ? name : "", type, &error);
                 if (field == nullptr) table.Report(error);
                 return const_cast<OwnedField*>(field);
               });
  }

  // ---- reader ----

  static const char* GetName(ss_plugin_table_t* t) {
    return Run(t, "get_table_name", static_cast<const char*>(nullptr),
               [&](OwnedTable& table) { return table.name().c_str(); });
  }

  static uint64_t GetSize(ss_plugin_table_t* t) {
    return Run(t, "get_table_size", static_cast<uint64_t>(-1), [&](OwnedTable& table) -> uint64_t {
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      return table.entries_.size();
    });
  }

  static ss_plugin_table_entry_t* GetEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return Run(t, "get_table_entry", static_cast<ss_plugin_table_entry_t*>(nullptr),
               [&](OwnedTable& table) -> ss_plugin_table_entry_t* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 StateValue k;
                 if (!KeyFrom(table, key, &k)) return nullptr;
                 auto it = table.entries_.find(OwnedTable::ViewOf(k));
                 if (it == table.entries_.end()) {
                   table.Report("table '" + table.name() + "' has no entry with key " + Describe(k));
                   return nullptr;
                 }
                 Hold(table, it->second);
                 return it->second.get();
               });
  }

  static ss_plugin_rc ReadField(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                                ss_plugin_state_data* out) {
    return Run(t, "read_entry_field", SS_PLUGIN_FAILURE, [&](OwnedTable& table) -> ss_plugin_rc {
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      const OwnedField* field = FieldOf(table, f, "read a field");
      OwnedEntry* entry = field != nullptr ? HeldEntry(table, e, ("read field '" + field->name + "'").c_str()) : nullptr;
      if (entry == nullptr || out == nullptr) return SS_PLUGIN_FAILURE;
      out->u64 = 0;
      if (field->type == SS_PLUGIN_ST_TABLE) {
        OwnedTable* subtable = field->index < entry->subtables_.size() ? entry->subtables_[field->index].get() : nullptr;
        if (subtable == nullptr) {
          table.Report("cannot read field '" + field->name + "' of table '" + table.name() + "': no sub-table");
          return SS_PLUGIN_FAILURE;
        }
        out->table = subtable->input();
        return SS_PLUGIN_SUCCESS;
      }
      static const char kEmpty[] = "";
      const OwnedEntry::Value* stored = field->index < entry->values_.size() ? &entry->values_[field->index] : nullptr;
      if (field->type == SS_PLUGIN_ST_STRING) {
        out->str = stored != nullptr && stored->text ? stored->text->c_str() : kEmpty;
        return SS_PLUGIN_SUCCESS;
      }
      StateValue value;
      value.type = field->type;
      value.bits = stored != nullptr ? stored->bits : 0;
      *out = ToStateData(value);
      return SS_PLUGIN_SUCCESS;
    });
  }

  static void ReleaseEntry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    Run(t, "release_table_entry", 0, [&](OwnedTable& table) {
      std::shared_ptr<OwnedEntry> last;  // an erased entry dies outside the lock
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      if (HeldEntry(table, e, "release an entry") == nullptr) return 0;
      auto it = table.root_->held.find(static_cast<const OwnedEntry*>(e));
      if (--it->second.count == 0) {
        last = std::move(it->second.entry);
        table.root_->held.erase(it);
      }
      return 0;
    });
  }

  static ss_plugin_bool IterateEntries(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                                       ss_plugin_table_iterator_state_t* s) {
    return Run(t, "iterate_entries", static_cast<ss_plugin_bool>(0), [&](OwnedTable& table) -> ss_plugin_bool {
      if (it == nullptr) return 0;
      // The entries of now, held for the iteration (the visitor may change the table: each is visited
      // only while it is still in it), visited without the lock (the visitor reads them).
      std::vector<std::shared_ptr<OwnedEntry>> entries;
      {
        std::lock_guard<std::mutex> lock(table.root_->mutex);
        entries.reserve(table.entries_.size());
        for (const auto& [key, entry] : table.entries_) {
          entries.push_back(entry);
          Hold(table, entry);
        }
      }
      ss_plugin_bool completed = 1;
      size_t visited = 0;
      try {
        for (; visited < entries.size(); visited++) {
          bool attached;
          {
            std::lock_guard<std::mutex> lock(table.root_->mutex);
            attached = entries[visited]->state_ == OwnedEntry::State::kAttached;
          }
          if (attached && it(s, entries[visited].get()) == 0) {
            completed = 0;
            break;
          }
        }
      } catch (...) {
        completed = 0;
      }
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      for (const std::shared_ptr<OwnedEntry>& entry : entries) Unhold(table, entry.get());
      return completed;
    });
  }

  // ---- writer ----

  static ss_plugin_rc ClearTable(ss_plugin_table_t* t) {
    return Run(t, "clear_table", SS_PLUGIN_FAILURE, [&](OwnedTable& table) {
      table.Clear();
      return SS_PLUGIN_SUCCESS;
    });
  }

  static ss_plugin_rc EraseEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return Run(t, "erase_table_entry", SS_PLUGIN_FAILURE, [&](OwnedTable& table) -> ss_plugin_rc {
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      StateValue k;
      std::string error;
      if (!KeyFrom(table, key, &k)) return SS_PLUGIN_FAILURE;
      if (!table.EraseLocked(k, &error)) {
        table.Report(error);
        return SS_PLUGIN_FAILURE;
      }
      return SS_PLUGIN_SUCCESS;
    });
  }

  static ss_plugin_table_entry_t* CreateEntry(ss_plugin_table_t* t) {
    return Run(t, "create_table_entry", static_cast<ss_plugin_table_entry_t*>(nullptr),
               [&](OwnedTable& table) -> ss_plugin_table_entry_t* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 std::shared_ptr<OwnedEntry> entry = table.NewEntryLocked();
                 Hold(table, entry);
                 return entry.get();
               });
  }

  static void DestroyEntry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    Run(t, "destroy_table_entry", 0, [&](OwnedTable& table) {
      std::shared_ptr<OwnedEntry> last;
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      OwnedEntry* entry = HeldEntry(table, e, "destroy an entry");
      if (entry == nullptr) return 0;
      if (entry->state_ != OwnedEntry::State::kCreated) {
        table.Report("cannot destroy an entry of table '" + table.name() +
                     "': it was not made by create_table_entry, or it was added");
        return 0;
      }
      auto it = table.root_->held.find(entry);
      if (--it->second.count == 0) {
        last = std::move(it->second.entry);
        table.root_->held.erase(it);
      }
      return 0;
    });
  }

  static ss_plugin_table_entry_t* AddEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key,
                                           ss_plugin_table_entry_t* e) {
    return Run(t, "add_table_entry", static_cast<ss_plugin_table_entry_t*>(nullptr),
               [&](OwnedTable& table) -> ss_plugin_table_entry_t* {
                 std::lock_guard<std::mutex> lock(table.root_->mutex);
                 StateValue k;
                 if (!KeyFrom(table, key, &k)) return nullptr;
                 OwnedEntry* entry = HeldEntry(table, e, "add an entry");
                 if (entry == nullptr) return nullptr;
                 std::string error;
                 // The hold of create_table_entry becomes that of the added entry (released by the caller).
                 if (!table.AddLocked(k, table.root_->held[entry].entry, &error)) {
                   table.Report(error);
                   return nullptr;
                 }
                 return entry;
               });
  }

  static ss_plugin_rc WriteField(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                                 const ss_plugin_state_data* in) {
    return Run(t, "write_entry_field", SS_PLUGIN_FAILURE, [&](OwnedTable& table) -> ss_plugin_rc {
      std::lock_guard<std::mutex> lock(table.root_->mutex);
      const OwnedField* field = FieldOf(table, f, "write a field");
      OwnedEntry* entry =
          field != nullptr ? HeldEntry(table, e, ("write field '" + field->name + "'").c_str()) : nullptr;
      if (entry == nullptr) return SS_PLUGIN_FAILURE;
      if (in == nullptr || (field->type == SS_PLUGIN_ST_STRING && in->str == nullptr)) {
        table.Report("cannot write field '" + field->name + "' of table '" + table.name() + "': no value given");
        return SS_PLUGIN_FAILURE;
      }
      std::string error;
      if (!table.WriteLocked(*entry, *field, FromStateData(field->type, *in), false, &error)) {
        table.Report(error);
        return SS_PLUGIN_FAILURE;
      }
      return SS_PLUGIN_SUCCESS;
    });
  }
};

namespace {

ss_plugin_table_fields_vtable_ext kFields = {
    &OwnedTableVtables::ListFields,
    &OwnedTableVtables::GetField,
    &OwnedTableVtables::AddField,
};
ss_plugin_table_reader_vtable_ext kReader = {
    &OwnedTableVtables::GetName,     &OwnedTableVtables::GetSize,      &OwnedTableVtables::GetEntry,
    &OwnedTableVtables::ReadField,   &OwnedTableVtables::ReleaseEntry, &OwnedTableVtables::IterateEntries,
};
ss_plugin_table_writer_vtable_ext kWriter = {
    &OwnedTableVtables::ClearTable,  &OwnedTableVtables::EraseEntry, &OwnedTableVtables::CreateEntry,
    &OwnedTableVtables::DestroyEntry, &OwnedTableVtables::AddEntry,  &OwnedTableVtables::WriteField,
};

}  // namespace

void FillOwnedTableVtables(ss_plugin_table_input* input) {
  // libsinsp checks that the deprecated vtables hold the same functions as the extended ones.
  input->reader = {kReader.get_table_name, kReader.get_table_size, kReader.get_table_entry, kReader.read_entry_field};
  input->writer = {kWriter.clear_table,         kWriter.erase_table_entry, kWriter.create_table_entry,
                   kWriter.destroy_table_entry, kWriter.add_table_entry,   kWriter.write_entry_field};
  input->fields = {kFields.list_table_fields, kFields.get_table_field, kFields.add_table_field};
  input->reader_ext = &kReader;
  input->writer_ext = &kWriter;
  input->fields_ext = &kFields;
}

}  // namespace tables
}  // namespace falco_ts
