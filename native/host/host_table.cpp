#include "host_table.hpp"

#include <stdexcept>

#include "state_types.hpp"

namespace fph {

bool host_key_type_supported(ss_plugin_state_type t) {
    return t == SS_PLUGIN_ST_INT64 || t == SS_PLUGIN_ST_UINT64 || t == SS_PLUGIN_ST_STRING;
}

bool key_from_state(ss_plugin_state_type key_type, const ss_plugin_state_data* data, TableKey& out,
                    std::string& err) {
    if (data == nullptr) {
        err = "the key is NULL";
        return false;
    }
    switch (key_type) {
    case SS_PLUGIN_ST_INT64: out = data->s64; return true;
    case SS_PLUGIN_ST_UINT64: out = data->u64; return true;
    case SS_PLUGIN_ST_STRING:
        if (data->str == nullptr) {
            err = "the string key is NULL";
            return false;
        }
        out = std::string(data->str);
        return true;
    default: break;
    }
    err = "unsupported key type";
    return false;
}

std::string key_text(const TableKey& key) {
    if (const auto* s = std::get_if<int64_t>(&key)) return std::to_string(*s);
    if (const auto* u = std::get_if<uint64_t>(&key)) return std::to_string(*u);
    return "'" + std::get<std::string>(key) + "'";
}

// --- Schema ----------------------------------------------------------------

Schema::Schema(std::string table_name, ss_plugin_state_type key_type)
    : table_name_(std::move(table_name)), key_type_(key_type) {
    if (!host_key_type_supported(key_type)) {
        throw std::logic_error("host table " + table_name_ + ": unsupported key type");
    }
}

FieldDef& Schema::define(const std::string& name, ss_plugin_state_type type, bool read_only,
                         bool dynamic) {
    auto f = std::make_unique<FieldDef>();
    f->name = name;
    f->type = type;
    f->read_only = read_only;
    f->dynamic = dynamic;
    f->index = fields_.size();
    fields_.push_back(std::move(f));
    return *fields_.back();
}

const FieldDef& Schema::add_static(const std::string& name, ss_plugin_state_type type, bool read_only) {
    if (type == SS_PLUGIN_ST_TABLE || find(name) != nullptr ||
        (!fields_.empty() && fields_.back()->dynamic)) {
        throw std::logic_error("host table " + table_name_ + ": bad static field " + name);
    }
    return define(name, type, read_only, false);
}

const FieldDef& Schema::add_static_table(const std::string& name, std::shared_ptr<Schema> subtable,
                                         bool read_only) {
    if (!subtable || find(name) != nullptr || (!fields_.empty() && fields_.back()->dynamic)) {
        throw std::logic_error("host table " + table_name_ + ": bad sub-table field " + name);
    }
    FieldDef& f = define(name, SS_PLUGIN_ST_TABLE, read_only, false);
    f.subtable = std::move(subtable);
    return f;
}

void Schema::set_key_field(const std::string& name) {
    const FieldDef* f = find(name);
    if (f == nullptr || f->dynamic || f->type != SS_PLUGIN_ST_INT64 || key_type_ != SS_PLUGIN_ST_INT64) {
        throw std::logic_error("host table " + table_name_ + ": bad key field " + name);
    }
    key_field_ = f;
}

const FieldDef* Schema::add_dynamic(const std::string& name, ss_plugin_state_type type, std::string& err) {
    if (const FieldDef* existing = find(name)) {
        if (!existing->dynamic) {
            err = "it is a static field of the table";
            return nullptr;
        }
        if (existing->type != type) {
            err = "it already exists with type " + state_type_text(existing->type);
            return nullptr;
        }
        return existing;
    }
    return &define(name, type, false, true);
}

const FieldDef* Schema::find(std::string_view name) const {
    for (const auto& f : fields_) {
        if (f->name == name) return f.get();
    }
    return nullptr;
}

bool Schema::owns(const void* p) const {
    for (const auto& f : fields_) {
        if (static_cast<const void*>(f.get()) == p) return true;
    }
    return false;
}

const ss_plugin_table_fieldinfo* Schema::field_infos(uint32_t& count) {
    infos_.clear();
    for (const auto& f : fields_) {
        ss_plugin_table_fieldinfo info{};
        info.name = f->name.c_str();
        info.field_type = f->type;
        info.read_only = f->read_only ? 1 : 0;
        infos_.push_back(info);
    }
    count = static_cast<uint32_t>(infos_.size());
    return infos_.data();
}

// --- Entry -----------------------------------------------------------------

Entry::Entry(std::shared_ptr<Schema> schema) : schema_(std::move(schema)), cells_(schema_->fields().size()) {
    for (const auto& f : schema_->fields()) {
        if (f->type == SS_PLUGIN_ST_TABLE) cells_[f->index].table = std::make_shared<HostTable>(f->subtable);
    }
}

void Entry::read(const FieldDef& f, ss_plugin_state_data& out) const {
    out = ss_plugin_state_data{};
    const Cell* c = f.index < cells_.size() ? &cells_[f.index] : nullptr;
    if (f.type == SS_PLUGIN_ST_STRING) {
        out.str = c != nullptr ? c->str.c_str() : "";
    } else if (f.type != SS_PLUGIN_ST_TABLE && c != nullptr) {
        out = c->num;
    }
}

void Entry::write(const FieldDef& f, const ss_plugin_state_data& in) {
    if (f.index >= cells_.size()) cells_.resize(f.index + 1);
    Cell& c = cells_[f.index];
    c.num = ss_plugin_state_data{};
    switch (f.type) {
    case SS_PLUGIN_ST_INT8: c.num.s8 = in.s8; break;
    case SS_PLUGIN_ST_INT16: c.num.s16 = in.s16; break;
    case SS_PLUGIN_ST_INT32: c.num.s32 = in.s32; break;
    case SS_PLUGIN_ST_INT64: c.num.s64 = in.s64; break;
    case SS_PLUGIN_ST_UINT8: c.num.u8 = in.u8; break;
    case SS_PLUGIN_ST_UINT16: c.num.u16 = in.u16; break;
    case SS_PLUGIN_ST_UINT32: c.num.u32 = in.u32; break;
    case SS_PLUGIN_ST_UINT64: c.num.u64 = in.u64; break;
    case SS_PLUGIN_ST_BOOL: c.num.b = in.b != 0 ? 1 : 0; break;
    case SS_PLUGIN_ST_STRING:
        if (in.str == nullptr) throw std::logic_error("NULL string written to a host table");
        c.str = in.str;
        break;
    case SS_PLUGIN_ST_TABLE: throw std::logic_error("table field written in a host table");
    }
}

std::shared_ptr<HostTable> Entry::subtable(const FieldDef& f) const {
    if (f.type != SS_PLUGIN_ST_TABLE || f.index >= cells_.size()) return nullptr;
    return cells_[f.index].table;
}

// --- HostTable -------------------------------------------------------------

std::shared_ptr<Entry> HostTable::get(const TableKey& key) const {
    const auto it = entries_.find(key);
    return it != entries_.end() ? it->second : nullptr;
}

std::shared_ptr<Entry> HostTable::add(const TableKey& key, std::unique_ptr<Entry> entry) {
    if (!entry || entry->schema_ != schema_) {
        throw std::logic_error("entry of another schema added to host table " + name());
    }
    entry->key_ = key;
    entry->has_key_ = true;
    if (const FieldDef* kf = schema_->key_field()) {
        ss_plugin_state_data v{};
        v.s64 = std::get<int64_t>(key);
        entry->write(*kf, v);
    }
    std::shared_ptr<Entry> shared(std::move(entry));
    entries_.insert_or_assign(key, shared);
    return shared;
}

bool HostTable::erase(const TableKey& key) { return entries_.erase(key) > 0; }

std::vector<std::shared_ptr<Entry>> HostTable::snapshot() const {
    std::vector<std::shared_ptr<Entry>> out;
    out.reserve(entries_.size());
    for (const auto& kv : entries_) out.push_back(kv.second);
    return out;
}

}  // namespace fph
