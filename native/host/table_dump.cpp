#include "table_dump.hpp"

#include <algorithm>
#include <exception>

#include "json_text.hpp"
#include "state_types.hpp"
#include "table_access.hpp"

namespace fph {

namespace {

constexpr int kMaxDepth = 8;  // sub-tables nested deeper are printed as null

struct Key {
    ss_plugin_state_type type = SS_PLUGIN_ST_INT64;
    ss_plugin_state_data data{};
    std::string str;

    ss_plugin_state_data as_state() const {
        ss_plugin_state_data d = data;
        if (type == SS_PLUGIN_ST_STRING) d.str = str.c_str();
        return d;
    }
};

Key key_of_value(ss_plugin_state_type type, const ss_plugin_state_data& v) {
    Key k;
    k.type = type;
    if (type == SS_PLUGIN_ST_STRING) {
        k.str = v.str != nullptr ? v.str : "";
    } else {
        k.data = v;
    }
    return k;
}

Key key_of_host(const TableKey& hk) {
    Key k;
    if (const auto* s = std::get_if<int64_t>(&hk)) {
        k.type = SS_PLUGIN_ST_INT64;
        k.data.s64 = *s;
    } else if (const auto* u = std::get_if<uint64_t>(&hk)) {
        k.type = SS_PLUGIN_ST_UINT64;
        k.data.u64 = *u;
    } else {
        k.type = SS_PLUGIN_ST_STRING;
        k.str = std::get<std::string>(hk);
    }
    return k;
}

// Keys of one table have one type.
bool key_less(const Key& a, const Key& b) {
    switch (a.type) {
    case SS_PLUGIN_ST_INT8: return a.data.s8 < b.data.s8;
    case SS_PLUGIN_ST_INT16: return a.data.s16 < b.data.s16;
    case SS_PLUGIN_ST_INT32: return a.data.s32 < b.data.s32;
    case SS_PLUGIN_ST_INT64: return a.data.s64 < b.data.s64;
    case SS_PLUGIN_ST_UINT8: return a.data.u8 < b.data.u8;
    case SS_PLUGIN_ST_UINT16: return a.data.u16 < b.data.u16;
    case SS_PLUGIN_ST_UINT32: return a.data.u32 < b.data.u32;
    case SS_PLUGIN_ST_UINT64: return a.data.u64 < b.data.u64;
    case SS_PLUGIN_ST_BOOL: return (a.data.b != 0) < (b.data.b != 0);
    case SS_PLUGIN_ST_STRING: return a.str < b.str;
    case SS_PLUGIN_ST_TABLE: break;
    }
    return false;
}

void append_key(std::string& out, const Key& k) {
    if (k.type == SS_PLUGIN_ST_STRING) {
        append_json_string(out, k.str);
    } else {
        append_state_json(out, k.type, k.data);
    }
}

struct Field {
    std::string name;
    ss_plugin_state_type type;
    ss_plugin_table_field_t* handle;
};

struct Row {
    const void* entry = nullptr;
    std::string fields;  // the JSON object
    std::vector<Key> candidates;
    bool keyed = false;
    Key key;
};

class Renderer {
public:
    Renderer(const ss_plugin_init_tables_input& api, std::vector<std::string>& errors)
        : fields_(*api.fields_ext), reader_(*api.reader_ext), errors_(errors) {}

    void table(ss_plugin_table_t* t, std::string& out, int depth);

private:
    struct Visit {
        Renderer* self;
        ss_plugin_table_t* t;
        const std::vector<Field>* fields;
        ss_plugin_state_type key_type;
        int depth;
        std::vector<Row>* rows;
        bool failed;
    };

    static ss_plugin_bool visit(ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* e);
    void row(Visit& v, ss_plugin_table_entry_t* e);
    void find_key(ss_plugin_table_t* t, Row& r);

    const ss_plugin_table_fields_vtable_ext& fields_;
    const ss_plugin_table_reader_vtable_ext& reader_;
    std::vector<std::string>& errors_;
    std::string name_;  // of the table being rendered, for messages
};

void Renderer::table(ss_plugin_table_t* t, std::string& out, int depth) {
    const char* n = reader_.get_table_name(t);
    const std::string saved = name_;
    name_ = n != nullptr ? n : "(unnamed)";
    const auto key_type = static_cast<const ss_plugin_table_input*>(t)->key_type;

    std::vector<Field> fields;
    uint32_t nf = 0;
    const ss_plugin_table_fieldinfo* infos = fields_.list_table_fields(t, &nf);
    if (infos == nullptr) {
        errors_.push_back("cannot list the fields of table '" + name_ + "'");
        nf = 0;
    }
    for (uint32_t i = 0; i < nf; i++) {
        Field f{infos[i].name != nullptr ? infos[i].name : "", infos[i].field_type, nullptr};
        fields.push_back(std::move(f));
    }
    for (auto& f : fields) {
        f.handle = fields_.get_table_field(t, f.name.c_str(), f.type);
        if (f.handle == nullptr) {
            errors_.push_back("cannot get field '" + f.name + "' of table '" + name_ + "'");
        }
    }

    std::vector<Row> rows;
    Visit v{this, t, &fields, key_type, depth, &rows, false};
    if (reader_.iterate_entries(t, &Renderer::visit, &v) == 0 || v.failed) {
        errors_.push_back("iterating table '" + name_ + "' stopped before its end");
    }
    for (auto& r : rows) {
        if (!r.keyed) find_key(t, r);
    }
    // keyed rows by key, then the others in iteration order
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        if (a.keyed != b.keyed) return a.keyed;
        return a.keyed && key_less(a.key, b.key);
    });

    uint64_t size = reader_.get_table_size(t);
    if (size == UINT64_MAX) {
        errors_.push_back("cannot get the size of table '" + name_ + "'");
        size = rows.size();
    }
    out += "{\"size\":";
    append_u64(out, size);
    out += ",\"entries\":[";
    for (size_t i = 0; i < rows.size(); i++) {
        if (i > 0) out += ',';
        out += "{\"key\":";
        if (rows[i].keyed) {
            append_key(out, rows[i].key);
        } else {
            out += "null";
        }
        out += ",\"fields\":";
        out += rows[i].fields;
        out += '}';
    }
    out += "]}";
    name_ = saved;
}

ss_plugin_bool Renderer::visit(ss_plugin_table_iterator_state_t* s, ss_plugin_table_entry_t* e) {
    auto& v = *static_cast<Visit*>(s);
    try {  // nothing may be thrown through the table's iteration
        v.self->row(v, e);
        return 1;
    } catch (const std::exception& ex) {
        try {
            v.self->errors_.push_back(std::string("reading table '") + v.self->name_ + "': " + ex.what());
        } catch (...) {
        }
    } catch (...) {
    }
    v.failed = true;
    return 0;
}

void Renderer::row(Visit& v, ss_plugin_table_entry_t* e) {
    Row r;
    r.entry = e;
    if (const TableKey* hk = host_entry_key(v.t, e)) {
        r.key = key_of_host(*hk);
        r.keyed = true;
    }
    r.fields = "{";
    bool first = true;
    for (const auto& f : *v.fields) {
        if (!first) r.fields += ',';
        first = false;
        append_json_string(r.fields, f.name);
        r.fields += ':';
        ss_plugin_state_data val{};
        if (f.handle == nullptr || reader_.read_entry_field(v.t, e, f.handle, &val) != SS_PLUGIN_SUCCESS) {
            if (f.handle != nullptr) {
                errors_.push_back("cannot read field '" + f.name + "' of table '" + name_ + "'");
            }
            r.fields += "null";
            continue;
        }
        if (f.type == SS_PLUGIN_ST_TABLE) {
            if (val.table == nullptr || v.depth >= kMaxDepth) {
                r.fields += "null";
            } else {
                table(val.table, r.fields, v.depth + 1);
            }
            continue;
        }
        append_state_json(r.fields, f.type, val);
        if (f.type == v.key_type && !r.keyed) r.candidates.push_back(key_of_value(f.type, val));
    }
    r.fields += '}';
    v.rows->push_back(std::move(r));
}

void Renderer::find_key(ss_plugin_table_t* t, Row& r) {
    for (const auto& k : r.candidates) {
        const ss_plugin_state_data d = k.as_state();
        ss_plugin_table_entry_t* p = reader_.get_table_entry(t, &d);
        if (p == nullptr) continue;
        reader_.release_table_entry(t, p);
        if (p == r.entry) {
            r.key = k;
            r.keyed = true;
            return;
        }
    }
}

// The owner's dump call, ended (and its entries released) on every path.
class DumpCall {
public:
    explicit DumpCall(Owner& o) : o_(o) { o_.begin_call(TableCall::Dump); }
    ~DumpCall() { o_.end_call(); }
    DumpCall(const DumpCall&) = delete;
    DumpCall& operator=(const DumpCall&) = delete;

private:
    Owner& o_;
};

}  // namespace

TableDumper::TableDumper(TableRegistry& registry) : owner_("falco-plugin-host --dump-table", registry) {}

bool TableDumper::dump(const std::string& name, std::string& line, std::vector<std::string>& errors) {
    DumpCall call(owner_);
    const ss_plugin_init_tables_input& api = *owner_.tables_input();
    ss_plugin_owner_t* o = owner_.as_owner();

    uint32_t n = 0;
    const ss_plugin_table_info* infos = api.list_tables(o, &n);
    const ss_plugin_table_info* info = nullptr;
    std::string names;
    for (uint32_t i = 0; infos != nullptr && i < n; i++) {
        if (infos[i].name != nullptr && name == infos[i].name) info = &infos[i];
        if (!names.empty()) names += ", ";
        names += infos[i].name != nullptr ? infos[i].name : "(unnamed)";
    }
    if (info == nullptr) {
        errors.push_back("no table named '" + name + "' (tables: " + (names.empty() ? "none" : names) + ")");
        return false;
    }
    ss_plugin_table_t* t = api.get_table(o, info->name, info->key_type);
    if (t == nullptr) {
        const char* err = Owner::get_owner_last_error(o);
        errors.push_back("cannot get table '" + name + "': " + (err != nullptr ? err : "no reason given"));
        return false;
    }
    line = "table " + name + ": ";
    Renderer(api, errors).table(t, line, 0);
    return true;
}

}  // namespace fph
