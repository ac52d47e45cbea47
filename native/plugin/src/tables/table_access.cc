#include "tables/table_access.h"

#include "plugin_state.h"
#include "tables/plugin_tables.h"

namespace falco_ts {
namespace tables {

const char* CallName(CallKind kind) {
  switch (kind) {
    case CallKind::kInit: return "init";
    case CallKind::kParseEvent: return "parse_event";
    case CallKind::kExtractFields: return "extract_fields";
    case CallKind::kCaptureOpen: return "capture_open";
    case CallKind::kCaptureClose: return "capture_close";
  }
  return "a host call";
}

std::string HostCall::OwnerError() const {
  if (get_owner_last_error == nullptr) return "";
  const char* message = get_owner_last_error(owner);
  return message != nullptr ? message : "";
}

TableAccess::TableAccess(const ss_plugin_init_tables_input* init, ss_plugin_owner_t* owner,
                         const char* (*get_owner_last_error)(ss_plugin_owner_t*)) {
  init_call_.kind = CallKind::kInit;
  init_call_.owner = owner;
  init_call_.get_owner_last_error = get_owner_last_error;
  init_call_.init = init;
  if (init != nullptr) {
    // A host of an API before the extended vtables gives the same functions in the deprecated one.
    fields_ = {init->fields.list_table_fields, init->fields.get_table_field, init->fields.add_table_field};
    init_call_.fields = init->fields_ext != nullptr ? init->fields_ext : &fields_;
    init_call_.reader = init->reader_ext;
    init_call_.writer = init->writer_ext;
  }
}

TableAccess::~TableAccess() {
  // Only the plugin's own entries can be left (host calls release theirs when they return).
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  open_ = false;
  EndCall();
}

void TableAccess::Open(const HostCall& call) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (depth_++ > 0) return;
  EndCall();  // what a turn outside host calls held
  call_ = call;
  open_ = true;
}

void TableAccess::Close() {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  if (depth_ == 0 || --depth_ > 0) return;
  EndCall();
  open_ = false;
}

void TableAccess::EndCall() {
  if (!entries_.used() && !subtables_.used()) return;  // no handle of this generation was given
  const HostCall* call = this->call();
  entries_.Reset([&](EntrySlot& slot) {
    if (slot.host_entry == nullptr || call == nullptr) return;
    if (slot.kind == EntrySlot::Kind::kObtained && call->reader != nullptr && call->reader->release_table_entry) {
      call->reader->release_table_entry(slot.host_table, slot.host_entry);
    } else if (slot.kind == EntrySlot::Kind::kCreated && call->writer != nullptr &&
               call->writer->destroy_table_entry) {
      call->writer->destroy_table_entry(slot.host_table, slot.host_entry);
    }
  });
  subtables_.Reset([](SubtableSlot&) {});
  subtable_handles_.clear();
  generation_ = (generation_ + 1) & handle_bits::kGenerationMask;
  if (generation_ == 0) generation_ = 1;
}

bool TableAccess::TakeTurnEndRequest() {
  if (open_ || turn_end_planned_ || (!entries_.used() && !subtables_.used())) return false;
  turn_end_planned_ = true;
  return true;
}

void TableAccess::EndTurn(uint32_t generation) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  turn_end_planned_ = false;
  if (!open_ && generation == generation_) EndCall();
}

// ---- HostCallScope ----

HostCallScope::HostCallScope(PluginState& state) : access_(state.tables().access()) {
  access_.Open(access_.init_call());
}

HostCallScope::HostCallScope(PluginState& state, const ss_plugin_event_parse_input* in)
    : access_(state.tables().access()) {
  HostCall call;
  call.kind = CallKind::kParseEvent;
  if (in != nullptr) {
    call.owner = in->owner;
    call.get_owner_last_error = in->get_owner_last_error;
    call.reader = in->table_reader_ext;
    call.writer = in->table_writer_ext;
  }
  access_.Open(call);
}

HostCallScope::HostCallScope(PluginState& state, const ss_plugin_field_extract_input* in)
    : access_(state.tables().access()) {
  HostCall call;
  call.kind = CallKind::kExtractFields;
  if (in != nullptr) {
    call.owner = in->owner;
    call.get_owner_last_error = in->get_owner_last_error;
    call.reader = in->table_reader_ext;
  }
  access_.Open(call);
}

HostCallScope::HostCallScope(PluginState& state, CallKind kind, const ss_plugin_capture_listen_input* in)
    : access_(state.tables().access()) {
  HostCall call;
  call.kind = kind;
  if (in != nullptr) {
    call.owner = in->owner;
    call.get_owner_last_error = in->get_owner_last_error;
    call.reader = in->table_reader_ext;
    call.writer = in->table_writer_ext;
  }
  access_.Open(call);
}

HostCallScope::~HostCallScope() { access_.Close(); }

}  // namespace tables
}  // namespace falco_ts
