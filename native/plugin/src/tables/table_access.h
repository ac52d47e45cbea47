// The host call whose table vtables the plugin may use right now, and what the plugin holds of the
// tables during it. init, parse_event and extract_fields install their call's vtables for the time
// they run (HostCallScope); when the call returns, every entry still held is released (and every
// entry created but not added destroyed) through those vtables, the sub-tables read are forgotten, and
// the handles of the call become stale. Outside host calls only the plugin's own tables are usable:
// what the plugin holds of them belongs to the JavaScript turn that obtained it (EndCall after it).
#pragma once

#include <falco_plugin_api.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "tables/call_handles.h"
#include "tables/owned_table.h"

namespace falco_ts {

class PluginState;

namespace tables {

enum class CallKind : uint8_t { kInit, kParseEvent, kExtractFields, kCaptureOpen, kCaptureClose };
const char* CallName(CallKind kind);

// The vtables of one host call (NULL where the call gives none) and how to read the host's errors.
struct HostCall {
  CallKind kind = CallKind::kInit;
  ss_plugin_owner_t* owner = nullptr;
  const char* (*get_owner_last_error)(ss_plugin_owner_t*) = nullptr;
  const ss_plugin_init_tables_input* init = nullptr;  // init only: list_tables, get_table, add_table
  const ss_plugin_table_fields_vtable_ext* fields = nullptr;
  const ss_plugin_table_reader_vtable_ext* reader = nullptr;
  const ss_plugin_table_writer_vtable_ext* writer = nullptr;

  bool may_write() const { return kind != CallKind::kExtractFields; }
  // The host's message about its latest failure ("" when it gives none).
  std::string OwnerError() const;
};

// An entry the plugin holds during a call.
struct EntrySlot {
  enum class Kind : uint8_t {
    kObtained,  // getEntry, addEntry: released when the call returns
    kCreated,   // createEntry: destroyed when the call returns unless added
    kLent,      // the visit of iterateEntries: nothing to release
  };
  Kind kind = Kind::kObtained;
  int32_t family = -1;
  const void* table = nullptr;  // the table it belongs to (host pointer or OwnedTable), compared only
  ss_plugin_table_t* host_table = nullptr;
  ss_plugin_table_entry_t* host_entry = nullptr;
  std::shared_ptr<OwnedEntry> owned;
};

// Why an entry handle ended before its call did (CallSlots::Free).
enum EntryEnd : uint8_t { kEndedUnknown = 0, kReleased, kDestroyed, kConsumed, kVisitEnded };

// A sub-table read from a table-typed field during a call.
struct SubtableSlot {
  int32_t family = -1;
  ss_plugin_table_t* host = nullptr;
  std::shared_ptr<OwnedTable> owned;  // keeps the entry it belongs to alive
};

class TableAccess {
 public:
  // What plugin_init was given: the init window's vtables, and those used for fields afterwards.
  TableAccess(const ss_plugin_init_tables_input* init, ss_plugin_owner_t* owner,
              const char* (*get_owner_last_error)(ss_plugin_owner_t*));
  ~TableAccess();
  TableAccess(const TableAccess&) = delete;
  TableAccess& operator=(const TableAccess&) = delete;

  // Held by every function of the binding, and to open and close a window (JavaScript may run on
  // another thread than the host's, e.g. while an async init awaits).
  std::recursive_mutex& mutex() { return mutex_; }

  // The host call running now, or null.
  const HostCall* call() const { return open_ ? &call_ : nullptr; }
  // The init call's vtables (the fields vtable is the only way to list a table's fields later).
  const HostCall& init_call() const { return init_call_; }

  void Open(const HostCall& call);
  void Close();

  uint32_t generation() const { return generation_; }
  CallSlots<EntrySlot>& entries() { return entries_; }
  CallSlots<SubtableSlot>& subtables() { return subtables_; }
  // The handle already given in this call for a sub-table (by its address), for reuse.
  std::unordered_map<const void*, uint64_t>& subtable_handles() { return subtable_handles_; }

  // Releases what the current call (or turn) holds; its handles become stale.
  void EndCall();
  // Whether something is held outside host calls with no EndCall planned yet; marks it planned.
  bool TakeTurnEndRequest();
  // The end of the JavaScript turn that held something outside host calls (the binding plans it).
  void EndTurn(uint32_t generation);

 private:
  std::recursive_mutex mutex_;
  ss_plugin_table_fields_vtable_ext fields_{};
  HostCall init_call_;
  HostCall call_;
  bool open_ = false;
  int depth_ = 0;  // nested windows share the outermost one
  uint32_t generation_ = 1;
  bool turn_end_planned_ = false;
  CallSlots<EntrySlot> entries_;
  CallSlots<SubtableSlot> subtables_;
  std::unordered_map<const void*, uint64_t> subtable_handles_;
};

// Installs a host call's vtables for its duration (a line in each capability's call).
class HostCallScope {
 public:
  // plugin_init: the tables input the state was created with (fields, reader, writer).
  explicit HostCallScope(PluginState& state);
  // parse_event: its reader and writer.
  HostCallScope(PluginState& state, const ss_plugin_event_parse_input* in);
  // extract_fields: its reader.
  HostCallScope(PluginState& state, const ss_plugin_field_extract_input* in);
  // capture_open / capture_close (`kind`): their reader and writer.
  HostCallScope(PluginState& state, CallKind kind, const ss_plugin_capture_listen_input* in);
  ~HostCallScope();
  HostCallScope(const HostCallScope&) = delete;
  HostCallScope& operator=(const HostCallScope&) = delete;

 private:
  TableAccess& access_;
};

}  // namespace tables
}  // namespace falco_ts
