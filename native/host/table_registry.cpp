#include "table_registry.hpp"

#include <algorithm>
#include <exception>

#include "common.hpp"
#include "owner.hpp"
#include "state_types.hpp"
#include "table_dispatch.hpp"
#include "thread_pool.hpp"

namespace fph {

namespace {

// The init-only functions, for an owner in another call, fail.
bool in_init(Owner& owner, const char* fn) {
    if (on_routine_thread()) {
        Owner::set_routine_thread_error(std::string(fn) +
                                        " is available only during plugin_init (called from a routine)");
        return false;
    }
    const TableCall call = owner.tables().call();
    if (call == TableCall::Init || call == TableCall::Dump) return true;
    owner.set_error(std::string(fn) + " is available only during plugin_init (called during " +
                    table_call_name(call) + ")");
    return false;
}

template <typename R, typename F>
R guarded(Owner* owner, R fail, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        try {
            owner->set_error(e.what());
        } catch (...) {
        }
    } catch (...) {
    }
    return fail;
}

// One vtable function: present, and equal to its deprecated flavour when it
// has one (libsinsp rejects a table input whose two flavours differ).
template <typename Fn>
void check_fn(const std::string& table, const char* vtable, const char* fn, Fn ext, const Fn* deprecated) {
    if (ext == nullptr) {
        throw HostError("cannot add table '" + table + "': its " + vtable + "_ext vtable has no " + fn);
    }
    if (deprecated != nullptr && *deprecated != ext) {
        throw HostError("cannot add table '" + table + "': its deprecated " + vtable +
                        " vtable must hold the same " + fn + " as " + vtable +
                        "_ext (libsinsp requires both flavours)");
    }
}

}  // namespace

void TableRegistry::add_host_table(std::shared_ptr<HostTable> t) {
    auto r = std::make_unique<Registered>();
    r->name = t->name();
    r->key_type = t->key_type();
    r->host = std::move(t);
    tables_.push_back(std::move(r));
}

void TableRegistry::remove_tables_of(const Owner& o) {
    tables_.erase(std::remove_if(tables_.begin(), tables_.end(),
                                 [&o](const std::unique_ptr<Registered>& r) { return r->added_by == &o; }),
                  tables_.end());
}

std::vector<std::string> TableRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& r : tables_) out.push_back(r->name);
    return out;
}

const TableRegistry::Registered* TableRegistry::find(std::string_view name) const {
    for (const auto& r : tables_) {
        if (r->name == name) return r.get();
    }
    return nullptr;
}

std::string TableRegistry::name_list() const {
    std::string out;
    for (const auto& r : tables_) {
        if (!out.empty()) out += ", ";
        out += r->name;
    }
    return out.empty() ? "none" : out;
}

void TableRegistry::check_input(const ss_plugin_table_input* in) const {
    if (in == nullptr) throw HostError("cannot add a table: the table input is NULL");
    if (in->name == nullptr || *in->name == '\0') {
        throw HostError("cannot add a table: its name is NULL or empty");
    }
    const std::string name = in->name;
    if (find(name) != nullptr) {
        throw HostError("cannot add table '" + name + "': a table with that name exists");
    }
    if (!is_state_type(in->key_type) || in->key_type == SS_PLUGIN_ST_TABLE) {
        throw HostError("cannot add table '" + name + "': its key type " + state_type_text(in->key_type) +
                        " is not supported (a key is an integer, a string or a bool)");
    }
    if (in->reader_ext == nullptr || in->writer_ext == nullptr || in->fields_ext == nullptr) {
        throw HostError("cannot add table '" + name +
                        "': reader_ext, writer_ext and fields_ext must all be set");
    }
    const auto& r = *in->reader_ext;
    check_fn(name, "reader", "get_table_name", r.get_table_name, &in->reader.get_table_name);
    check_fn(name, "reader", "get_table_size", r.get_table_size, &in->reader.get_table_size);
    check_fn(name, "reader", "get_table_entry", r.get_table_entry, &in->reader.get_table_entry);
    check_fn(name, "reader", "read_entry_field", r.read_entry_field, &in->reader.read_entry_field);
    // (these two have no deprecated flavour)
    check_fn(name, "reader", "release_table_entry", r.release_table_entry,
             static_cast<decltype(&r.release_table_entry)>(nullptr));
    check_fn(name, "reader", "iterate_entries", r.iterate_entries,
             static_cast<decltype(&r.iterate_entries)>(nullptr));
    const auto& w = *in->writer_ext;
    check_fn(name, "writer", "clear_table", w.clear_table, &in->writer.clear_table);
    check_fn(name, "writer", "erase_table_entry", w.erase_table_entry, &in->writer.erase_table_entry);
    check_fn(name, "writer", "create_table_entry", w.create_table_entry, &in->writer.create_table_entry);
    check_fn(name, "writer", "destroy_table_entry", w.destroy_table_entry, &in->writer.destroy_table_entry);
    check_fn(name, "writer", "add_table_entry", w.add_table_entry, &in->writer.add_table_entry);
    check_fn(name, "writer", "write_entry_field", w.write_entry_field, &in->writer.write_entry_field);
    const auto& f = *in->fields_ext;
    check_fn(name, "fields", "list_table_fields", f.list_table_fields, &in->fields.list_table_fields);
    check_fn(name, "fields", "get_table_field", f.get_table_field, &in->fields.get_table_field);
    check_fn(name, "fields", "add_table_field", f.add_table_field, &in->fields.add_table_field);
}

ss_plugin_table_info* TableRegistry::list_tables(ss_plugin_owner_t* o, uint32_t* ntables) {
    if (ntables != nullptr) *ntables = 0;
    if (o == nullptr) return nullptr;
    Owner* owner = Owner::from(o);
    return guarded<ss_plugin_table_info*>(owner, nullptr, [&]() -> ss_plugin_table_info* {
        if (!in_init(*owner, "list_tables")) return nullptr;
        if (ntables == nullptr) {
            owner->set_error("list_tables: ntables is NULL");
            return nullptr;
        }
        auto& infos = owner->tables().table_infos();
        infos.clear();
        for (const auto& r : owner->registry().tables_) {
            ss_plugin_table_info info{};
            info.name = r->name.c_str();
            info.key_type = r->key_type;
            infos.push_back(info);
        }
        *ntables = static_cast<uint32_t>(infos.size());
        return infos.data();
    });
}

ss_plugin_table_t* TableRegistry::get_table(ss_plugin_owner_t* o, const char* name,
                                            ss_plugin_state_type key_type) {
    if (o == nullptr) return nullptr;
    Owner* owner = Owner::from(o);
    return guarded<ss_plugin_table_t*>(owner, nullptr, [&]() -> ss_plugin_table_t* {
        if (!in_init(*owner, "get_table")) return nullptr;
        if (name == nullptr) {
            owner->set_error("get_table: the table name is NULL");
            return nullptr;
        }
        const TableRegistry& reg = owner->registry();
        const Registered* r = reg.find(name);
        if (r == nullptr) {
            owner->set_error("no table named '" + std::string(name) + "' (tables: " + reg.name_list() + ")");
            return nullptr;
        }
        if (r->key_type != key_type) {
            owner->set_error("table '" + r->name + "' has key type " + state_type_text(r->key_type) +
                             ", not " + state_type_text(key_type));
            return nullptr;
        }
        if (r->host) return owner->tables().accessor(*owner, r->host).handle();
        return owner->tables().plugin_accessor(*owner, r->plugin->input, *r->added_by).handle();
    });
}

ss_plugin_rc TableRegistry::add_table(ss_plugin_owner_t* o, const ss_plugin_table_input* in) {
    if (o == nullptr) return SS_PLUGIN_FAILURE;
    Owner* owner = Owner::from(o);
    return guarded<ss_plugin_rc>(owner, SS_PLUGIN_FAILURE, [&]() -> ss_plugin_rc {
        if (!in_init(*owner, "add_table")) return SS_PLUGIN_FAILURE;
        TableRegistry& reg = owner->registry();
        reg.check_input(in);  // throws with the reason
        auto p = std::make_unique<PluginTable>();
        p->name = in->name;
        p->fields = *in->fields_ext;
        p->reader = *in->reader_ext;
        p->writer = *in->writer_ext;
        p->input.name = p->name.c_str();
        p->input.key_type = in->key_type;
        p->input.table = in->table;
        p->input.fields_ext = &p->fields;
        p->input.reader_ext = &p->reader;
        p->input.writer_ext = &p->writer;
        mirror_deprecated_vtables(p->input);  // both flavours, as the plugin's own functions
        auto r = std::make_unique<Registered>();
        r->name = p->name;
        r->key_type = in->key_type;
        r->plugin = std::move(p);
        r->added_by = owner;
        reg.tables_.push_back(std::move(r));
        return SS_PLUGIN_SUCCESS;
    });
}

}  // namespace fph
