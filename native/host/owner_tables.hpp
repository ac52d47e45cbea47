// What one owner (plugin state) holds of the host's tables: the plugin call
// it is in (which decides whether it may read or write), its accessors of
// host tables, the ephemeral accessors of sub-tables it read (reset after
// each call), and the entries it obtained, created or visited, so that the
// host can release what it leaked at the end of each call, as libsinsp does.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "host_table.hpp"
#include "plugin_table_access.hpp"
#include "table_access.hpp"

namespace fph {

class Owner;

// The host calls during which an owner reaches tables.
enum class TableCall { None, Init, ParseEvent, ExtractFields, CaptureOpen, CaptureClose, Dump, Count };

const char* table_call_name(TableCall c);
inline bool table_call_reads(TableCall c) { return c != TableCall::None; }
inline bool table_call_writes(TableCall c) {
    return c == TableCall::Init || c == TableCall::ParseEvent || c == TableCall::CaptureOpen ||
           c == TableCall::CaptureClose;
}

class OwnerTables {
public:
    OwnerTables() = default;
    OwnerTables(const OwnerTables&) = delete;
    OwnerTables& operator=(const OwnerTables&) = delete;

    void begin(TableCall c) { call_ = c; }
    TableCall call() const { return call_; }
    // Ends the call: returns how many entries were still held or created,
    // and releases them, the visited entries and the ephemeral accessors.
    size_t end();

    // The owner's accessor of a table (one per table, for the owner's life).
    HostTableAccessor& accessor(Owner& o, const std::shared_ptr<HostTable>& t);
    // The owner's handle of a table another plugin added (one per table).
    PluginTableAccess& plugin_accessor(Owner& o, const ss_plugin_table_input& t, const Owner& table_owner);
    // An accessor of a sub-table, valid until the end of the call.
    HostTableAccessor& ephemeral(Owner& o, const std::shared_ptr<HostTable>& t);

    // Entries obtained (get/add): each hold is undone by one release.
    ss_plugin_table_entry_t* hold(std::shared_ptr<Entry> e);
    bool release(const void* e);
    // Entries created and not yet added or destroyed.
    ss_plugin_table_entry_t* adopt_created(std::unique_ptr<Entry> e);
    std::unique_ptr<Entry> take_created(const void* e);
    // Entries passed to an iteration's visitor, usable until the end of the call.
    void visited(std::shared_ptr<Entry> e) { visited_.push_back(std::move(e)); }

    // The entry behind a handle the owner may use now, or nullptr.
    Entry* find(const void* e) const;

    std::vector<ss_plugin_table_info>& table_infos() { return infos_; }

private:
    TableCall call_ = TableCall::None;
    std::map<const HostTable*, std::unique_ptr<HostTableAccessor>> accessors_;
    std::map<const ss_plugin_table_input*, std::unique_ptr<PluginTableAccess>> plugin_accessors_;
    std::deque<HostTableAccessor> ephemeral_;  // never shrinks: handles stay addressable
    size_t ephemeral_used_ = 0;
    std::vector<std::shared_ptr<Entry>> held_;
    std::vector<std::unique_ptr<Entry>> created_;
    std::vector<std::shared_ptr<Entry>> visited_;
    std::vector<ss_plugin_table_info> infos_;
};

}  // namespace fph
