#include "owner_tables.hpp"

namespace fph {

const char* table_call_name(TableCall c) {
    switch (c) {
    case TableCall::None: return "no call";
    case TableCall::Init: return "init";
    case TableCall::ParseEvent: return "parse_event";
    case TableCall::ExtractFields: return "extract_fields";
    case TableCall::CaptureOpen: return "capture_open";
    case TableCall::CaptureClose: return "capture_close";
    case TableCall::Dump: return "--dump-table";
    case TableCall::Count: break;
    }
    return "?";
}

size_t OwnerTables::end() {
    const size_t leaked = held_.size() + created_.size();
    held_.clear();
    created_.clear();
    visited_.clear();
    for (size_t i = 0; i < ephemeral_used_; i++) ephemeral_[i].unbind();
    ephemeral_used_ = 0;
    call_ = TableCall::None;
    return leaked;
}

HostTableAccessor& OwnerTables::accessor(Owner& o, const std::shared_ptr<HostTable>& t) {
    auto& slot = accessors_[t.get()];
    if (!slot) {
        slot = std::make_unique<HostTableAccessor>();
        slot->bind(o, t);
    }
    return *slot;
}

PluginTableAccess& OwnerTables::plugin_accessor(Owner& o, const ss_plugin_table_input& t, const Owner& table_owner) {
    auto& slot = plugin_accessors_[&t];
    if (!slot) slot = std::make_unique<PluginTableAccess>(o, t, table_owner);
    return *slot;
}

HostTableAccessor& OwnerTables::ephemeral(Owner& o, const std::shared_ptr<HostTable>& t) {
    if (ephemeral_used_ == ephemeral_.size()) ephemeral_.emplace_back();
    HostTableAccessor& a = ephemeral_[ephemeral_used_++];
    a.bind(o, t);
    return a;
}

ss_plugin_table_entry_t* OwnerTables::hold(std::shared_ptr<Entry> e) {
    Entry* raw = e.get();
    held_.push_back(std::move(e));
    return raw;
}

bool OwnerTables::release(const void* e) {
    // the most recently obtained first
    for (size_t i = held_.size(); i-- > 0;) {
        if (held_[i].get() == e) {
            if (i + 1 != held_.size()) held_[i] = std::move(held_.back());
            held_.pop_back();
            return true;
        }
    }
    return false;
}

ss_plugin_table_entry_t* OwnerTables::adopt_created(std::unique_ptr<Entry> e) {
    Entry* raw = e.get();
    created_.push_back(std::move(e));
    return raw;
}

std::unique_ptr<Entry> OwnerTables::take_created(const void* e) {
    for (size_t i = created_.size(); i-- > 0;) {
        if (created_[i].get() == e) {
            auto out = std::move(created_[i]);
            if (i + 1 != created_.size()) created_[i] = std::move(created_.back());
            created_.pop_back();
            return out;
        }
    }
    return nullptr;
}

Entry* OwnerTables::find(const void* e) const {
    if (e == nullptr) return nullptr;
    for (size_t i = held_.size(); i-- > 0;) {
        if (held_[i].get() == e) return held_[i].get();
    }
    for (size_t i = created_.size(); i-- > 0;) {
        if (created_[i].get() == e) return created_[i].get();
    }
    for (size_t i = visited_.size(); i-- > 0;) {
        if (visited_[i].get() == e) return visited_[i].get();
    }
    return nullptr;
}

}  // namespace fph
