#include "table_access.hpp"

#include <cstdint>
#include <exception>
#include <string>

#include "owner.hpp"
#include "state_types.hpp"
#include "table_dispatch.hpp"
#include "thread_pool.hpp"

namespace fph {

namespace {

// The checks every operation starts with: a bound accessor, an owner in a
// call that may read (or write) tables. On failure the owner's error says why.
struct Op {
    HostTableAccessor* acc = nullptr;
    Owner* owner = nullptr;
    HostTable* table = nullptr;

    const std::string& name() const { return table->name(); }
    void fail(const std::string& msg) const { owner->set_error(msg); }
};

enum class Need { Nothing, Read, Write };

const char* const kRoutineThreadTables =
    "the host's tables cannot be used from a routine: they are used in the plugin calls given table access "
    "(init, parse_event, extract_fields, capture_open, capture_close), on the thread making them";

bool enter(ss_plugin_table_t* t, Need need, Op& op) {
    if (on_routine_thread()) {
        // the handle is not even read: the thread driving the owner's calls may be changing it
        Owner::set_routine_thread_error(kRoutineThreadTables);
        return false;
    }
    op.acc = static_cast<HostTableAccessor*>(t);
    if (op.acc == nullptr || op.acc->owner == nullptr) return false;
    op.owner = op.acc->owner;
    if (!op.acc->table) {
        op.owner->set_error(
            "sub-table handle used after the plugin call that read it returned: a sub-table read from "
            "a field is valid until the end of that call");
        return false;
    }
    op.table = op.acc->table.get();
    const TableCall call = op.owner->tables().call();
    if (need != Need::Nothing && !table_call_reads(call)) {
        op.fail("cannot use table '" + op.name() +
                "' outside of the plugin calls given table access (init, parse_event, extract_fields, "
                "capture_open, capture_close)");
        return false;
    }
    if (need == Need::Write && !table_call_writes(call)) {
        op.fail("cannot write table '" + op.name() + "' during " + table_call_name(call) +
                ": tables are written during init, parse_event, capture_open and capture_close");
        return false;
    }
    return true;
}

// Runs f, turning any exception into the owner's error and the fail value:
// nothing is thrown into a plugin.
template <typename R, typename F>
R guarded(ss_plugin_table_t* t, R fail, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        try {
            auto* acc = static_cast<HostTableAccessor*>(t);
            if (on_routine_thread()) {
                Owner::set_routine_thread_error(std::string("internal error of the host's state tables: ") +
                                                e.what());
            } else if (acc != nullptr && acc->owner != nullptr) {
                acc->owner->set_error(std::string("internal error of the host's state tables: ") + e.what());
            }
        } catch (...) {
        }
    } catch (...) {
    }
    return fail;
}

// The entry behind a handle, which must be one the owner may use now, of
// this table; `what` says what was being done.
Entry* entry_of(const Op& op, const void* e, const char* what) {
    Entry* entry = op.owner->tables().find(e);
    if (entry == nullptr) {
        op.fail(std::string("cannot ") + what + " an entry of table '" + op.name() +
                "': the entry handle is not one this plugin obtained, created or visited during the current "
                "call, or it was released");
        return nullptr;
    }
    if (entry->schema() != &op.table->schema()) {
        op.fail(std::string("cannot ") + what + " an entry of table '" + op.name() +
                "': the entry belongs to another table");
        return nullptr;
    }
    return entry;
}

const FieldDef* field_of(const Op& op, const void* f, const char* what) {
    if (!op.table->schema().owns(f)) {
        op.fail(std::string("cannot ") + what + " an entry of table '" + op.name() +
                "': the field handle is not one of this table's fields");
        return nullptr;
    }
    return static_cast<const FieldDef*>(f);
}

bool key_of(const Op& op, const ss_plugin_state_data* key, TableKey& out, const char* what) {
    std::string err;
    if (!key_from_state(op.table->key_type(), key, out, err)) {
        op.fail(std::string("cannot ") + what + " table '" + op.name() + "': " + err);
        return false;
    }
    return true;
}

// --- fields ------------------------------------------------------------------

const ss_plugin_table_fieldinfo* list_fields(ss_plugin_table_t* t, uint32_t* nfields) {
    return guarded<const ss_plugin_table_fieldinfo*>(t, nullptr, [&]() -> const ss_plugin_table_fieldinfo* {
        if (nfields != nullptr) *nfields = 0;
        Op op;
        if (!enter(t, Need::Read, op)) return nullptr;
        if (nfields == nullptr) {
            op.fail("cannot list the fields of table '" + op.name() + "': nfields is NULL");
            return nullptr;
        }
        return op.table->schema().field_infos(*nfields);
    });
}

ss_plugin_table_field_t* get_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return guarded<ss_plugin_table_field_t*>(t, nullptr, [&]() -> ss_plugin_table_field_t* {
        Op op;
        if (!enter(t, Need::Read, op)) return nullptr;
        if (name == nullptr) {
            op.fail("cannot get a field of table '" + op.name() + "': the field name is NULL");
            return nullptr;
        }
        const FieldDef* f = op.table->schema().find(name);
        if (f == nullptr) {
            op.fail("table '" + op.name() + "' has no field '" + name + "'");
            return nullptr;
        }
        if (f->type != type) {
            op.fail("field '" + std::string(name) + "' of table '" + op.name() + "' has type " +
                    state_type_text(f->type) + ", not " + state_type_text(type));
            return nullptr;
        }
        return const_cast<FieldDef*>(f);
    });
}

ss_plugin_table_field_t* add_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return guarded<ss_plugin_table_field_t*>(t, nullptr, [&]() -> ss_plugin_table_field_t* {
        Op op;
        if (!enter(t, Need::Read, op)) return nullptr;
        if (name == nullptr || *name == '\0') {
            op.fail("cannot add a field to table '" + op.name() + "': the field name is NULL or empty");
            return nullptr;
        }
        const std::string prefix =
            "cannot add field '" + std::string(name) + "' to table '" + op.name() + "': ";
        if (type == SS_PLUGIN_ST_TABLE) {
            op.fail(prefix + "a dynamic field cannot be of type table");
            return nullptr;
        }
        if (!is_state_type(type)) {
            op.fail(prefix + "type " + std::to_string(static_cast<long long>(type)) + " is not a state type");
            return nullptr;
        }
        std::string err;
        const FieldDef* f = op.table->schema().add_dynamic(name, type, err);
        if (f == nullptr) {
            op.fail(prefix + err);
            return nullptr;
        }
        return const_cast<FieldDef*>(f);
    });
}

// --- reader ------------------------------------------------------------------

const char* get_name(ss_plugin_table_t* t) {
    return guarded<const char*>(t, nullptr, [&]() -> const char* {
        Op op;
        if (!enter(t, Need::Nothing, op)) return nullptr;
        return op.name().c_str();
    });
}

uint64_t get_size(ss_plugin_table_t* t) {
    return guarded<uint64_t>(t, UINT64_MAX, [&]() -> uint64_t {
        Op op;
        if (!enter(t, Need::Read, op)) return UINT64_MAX;
        return op.table->size();
    });
}

ss_plugin_table_entry_t* get_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return guarded<ss_plugin_table_entry_t*>(t, nullptr, [&]() -> ss_plugin_table_entry_t* {
        Op op;
        if (!enter(t, Need::Read, op)) return nullptr;
        TableKey k;
        if (!key_of(op, key, k, "look up an entry of")) return nullptr;
        auto e = op.table->get(k);
        if (!e) {
            op.fail("table '" + op.name() + "' has no entry with key " + key_text(k));
            return nullptr;
        }
        return op.owner->tables().hold(std::move(e));
    });
}

ss_plugin_rc read_entry_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                              const ss_plugin_table_field_t* f, ss_plugin_state_data* out) {
    return guarded<ss_plugin_rc>(t, SS_PLUGIN_FAILURE, [&]() -> ss_plugin_rc {
        if (out != nullptr) *out = ss_plugin_state_data{};
        Op op;
        if (!enter(t, Need::Read, op)) return SS_PLUGIN_FAILURE;
        if (out == nullptr) {
            op.fail("cannot read an entry of table '" + op.name() + "': the output is NULL");
            return SS_PLUGIN_FAILURE;
        }
        Entry* entry = entry_of(op, e, "read");
        const FieldDef* field = entry != nullptr ? field_of(op, f, "read") : nullptr;
        if (field == nullptr) return SS_PLUGIN_FAILURE;
        if (field->type == SS_PLUGIN_ST_TABLE) {
            out->table = op.owner->tables().ephemeral(*op.owner, entry->subtable(*field)).handle();
        } else {
            entry->read(*field, *out);
        }
        return SS_PLUGIN_SUCCESS;
    });
}

void release_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    guarded<int>(t, 0, [&]() -> int {
        Op op;
        if (!enter(t, Need::Nothing, op)) return 0;
        if (!op.owner->tables().release(e)) {
            op.fail("cannot release an entry of table '" + op.name() +
                    "': the entry is not held by this plugin (already released, or not obtained with "
                    "get_table_entry or add_table_entry during the current call)");
        }
        return 0;
    });
}

ss_plugin_bool iterate_entries(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                               ss_plugin_table_iterator_state_t* s) {
    return guarded<ss_plugin_bool>(t, 0, [&]() -> ss_plugin_bool {
        Op op;
        if (!enter(t, Need::Read, op)) return 0;
        if (it == nullptr) {
            op.fail("cannot iterate table '" + op.name() + "': the iterator function is NULL");
            return 0;
        }
        // a snapshot: the visitor may change the table
        for (auto& e : op.table->snapshot()) {
            Entry* raw = e.get();
            op.owner->tables().visited(std::move(e));
            if (it(s, raw) == 0) return 0;
        }
        return 1;
    });
}

// --- writer ------------------------------------------------------------------

ss_plugin_rc clear_table(ss_plugin_table_t* t) {
    return guarded<ss_plugin_rc>(t, SS_PLUGIN_FAILURE, [&]() -> ss_plugin_rc {
        Op op;
        if (!enter(t, Need::Write, op)) return SS_PLUGIN_FAILURE;
        op.table->clear();
        return SS_PLUGIN_SUCCESS;
    });
}

ss_plugin_rc erase_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return guarded<ss_plugin_rc>(t, SS_PLUGIN_FAILURE, [&]() -> ss_plugin_rc {
        Op op;
        if (!enter(t, Need::Write, op)) return SS_PLUGIN_FAILURE;
        TableKey k;
        if (!key_of(op, key, k, "erase an entry of")) return SS_PLUGIN_FAILURE;
        if (!op.table->erase(k)) {
            op.fail("cannot erase from table '" + op.name() + "': no entry has key " + key_text(k));
            return SS_PLUGIN_FAILURE;
        }
        return SS_PLUGIN_SUCCESS;
    });
}

ss_plugin_table_entry_t* create_entry(ss_plugin_table_t* t) {
    return guarded<ss_plugin_table_entry_t*>(t, nullptr, [&]() -> ss_plugin_table_entry_t* {
        Op op;
        if (!enter(t, Need::Write, op)) return nullptr;
        return op.owner->tables().adopt_created(op.table->new_entry());
    });
}

// A created entry of this table, still detached; nullptr (error set) otherwise.
bool check_created(const Op& op, const void* e, const char* what) {
    Entry* entry = op.owner->tables().find(e);
    if (entry == nullptr || entry->key() != nullptr || entry->schema() != &op.table->schema()) {
        op.fail(std::string("cannot ") + what + " table '" + op.name() +
                "': the entry was not made by create_table_entry of this table during the current call, or "
                "was already added or destroyed");
        return false;
    }
    return true;
}

void destroy_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    guarded<int>(t, 0, [&]() -> int {
        Op op;
        if (!enter(t, Need::Nothing, op)) return 0;
        if (check_created(op, e, "destroy an entry of")) op.owner->tables().take_created(e);
        return 0;
    });
}

ss_plugin_table_entry_t* add_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key,
                                   ss_plugin_table_entry_t* e) {
    return guarded<ss_plugin_table_entry_t*>(t, nullptr, [&]() -> ss_plugin_table_entry_t* {
        Op op;
        if (!enter(t, Need::Write, op)) return nullptr;
        TableKey k;
        if (!key_of(op, key, k, "add an entry to")) return nullptr;
        if (!check_created(op, e, "add an entry to")) return nullptr;
        auto created = op.owner->tables().take_created(e);
        if (!created) return nullptr;  // check_created found it among the created ones
        return op.owner->tables().hold(op.table->add(k, std::move(created)));
    });
}

ss_plugin_rc write_entry_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                               const ss_plugin_table_field_t* f, const ss_plugin_state_data* in) {
    return guarded<ss_plugin_rc>(t, SS_PLUGIN_FAILURE, [&]() -> ss_plugin_rc {
        Op op;
        if (!enter(t, Need::Write, op)) return SS_PLUGIN_FAILURE;
        Entry* entry = entry_of(op, e, "write");
        const FieldDef* field = entry != nullptr ? field_of(op, f, "write") : nullptr;
        if (field == nullptr) return SS_PLUGIN_FAILURE;
        const std::string prefix = "cannot write field '" + field->name + "' of table '" + op.name() + "': ";
        if (field->read_only) {
            op.fail(prefix + "the field is read-only");
            return SS_PLUGIN_FAILURE;
        }
        if (field->type == SS_PLUGIN_ST_TABLE) {
            op.fail(prefix + "fields of type table cannot be written");
            return SS_PLUGIN_FAILURE;
        }
        if (in == nullptr || (field->type == SS_PLUGIN_ST_STRING && in->str == nullptr)) {
            op.fail(prefix + (in == nullptr ? "the value is NULL" : "the string is NULL"));
            return SS_PLUGIN_FAILURE;
        }
        entry->write(*field, *in);
        return SS_PLUGIN_SUCCESS;
    });
}

}  // namespace

HostTableAccessor::HostTableAccessor() {
    fields.list_table_fields = list_fields;
    fields.get_table_field = get_field;
    fields.add_table_field = add_field;
    reader.get_table_name = get_name;
    reader.get_table_size = get_size;
    reader.get_table_entry = get_entry;
    reader.read_entry_field = read_entry_field;
    reader.release_table_entry = release_entry;
    reader.iterate_entries = iterate_entries;
    writer.clear_table = clear_table;
    writer.erase_table_entry = erase_entry;
    writer.create_table_entry = create_entry;
    writer.destroy_table_entry = destroy_entry;
    writer.add_table_entry = add_entry;
    writer.write_entry_field = write_entry_field;

    input.fields_ext = &fields;
    input.reader_ext = &reader;
    input.writer_ext = &writer;
    mirror_deprecated_vtables(input);  // as libsinsp checks
    input.table = this;
    input.name = nullptr;
    input.key_type = SS_PLUGIN_ST_INT64;
}

void HostTableAccessor::bind(Owner& o, std::shared_ptr<HostTable> t) {
    owner = &o;
    table = std::move(t);
    input.name = table->name().c_str();
    input.key_type = table->key_type();
}

void HostTableAccessor::unbind() {
    table.reset();
    input.name = nullptr;
}

const TableKey* host_entry_key(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    const auto* in = static_cast<const ss_plugin_table_input*>(t);
    if (in == nullptr || in->reader_ext == nullptr || in->reader_ext->get_table_entry != get_entry) {
        return nullptr;  // not a host table's handle
    }
    const auto* acc = static_cast<const HostTableAccessor*>(in->table);
    if (acc == nullptr || acc->owner == nullptr || !acc->table) return nullptr;
    const Entry* entry = acc->owner->tables().find(e);
    return entry != nullptr ? entry->key() : nullptr;
}

}  // namespace fph
