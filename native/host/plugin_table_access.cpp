#include "plugin_table_access.hpp"

#include "owner.hpp"
#include "table_dispatch.hpp"

namespace fph {

namespace {

const ss_plugin_table_input& target(ss_plugin_table_t* t) { return PluginTableAccess::of(t).target(); }

// The target's result; `failed` says whether it is a failure to explain.
template <typename R>
R checked(ss_plugin_table_t* t, R result, bool failed) {
    if (failed) PluginTableAccess::of(t).failed();
    return result;
}

const ss_plugin_table_fieldinfo* list_fields(ss_plugin_table_t* t, uint32_t* n) {
    const auto* r = target(t).fields_ext->list_table_fields(target(t).table, n);
    return checked(t, r, r == nullptr);
}

ss_plugin_table_field_t* get_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    auto* r = target(t).fields_ext->get_table_field(target(t).table, name, type);
    return checked(t, r, r == nullptr);
}

ss_plugin_table_field_t* add_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    auto* r = target(t).fields_ext->add_table_field(target(t).table, name, type);
    return checked(t, r, r == nullptr);
}

const char* get_name(ss_plugin_table_t* t) { return target(t).reader_ext->get_table_name(target(t).table); }

uint64_t get_size(ss_plugin_table_t* t) { return target(t).reader_ext->get_table_size(target(t).table); }

ss_plugin_table_entry_t* get_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    auto* r = target(t).reader_ext->get_table_entry(target(t).table, key);
    return checked(t, r, r == nullptr);
}

ss_plugin_rc read_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                        ss_plugin_state_data* out) {
    const auto r = target(t).reader_ext->read_entry_field(target(t).table, e, f, out);
    return checked(t, r, r != SS_PLUGIN_SUCCESS);
}

void release_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    target(t).reader_ext->release_table_entry(target(t).table, e);
}

ss_plugin_bool iterate(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t fn, ss_plugin_table_iterator_state_t* s) {
    return target(t).reader_ext->iterate_entries(target(t).table, fn, s);
}

ss_plugin_rc clear(ss_plugin_table_t* t) {
    const auto r = target(t).writer_ext->clear_table(target(t).table);
    return checked(t, r, r != SS_PLUGIN_SUCCESS);
}

ss_plugin_rc erase_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    const auto r = target(t).writer_ext->erase_table_entry(target(t).table, key);
    return checked(t, r, r != SS_PLUGIN_SUCCESS);
}

ss_plugin_table_entry_t* create_entry(ss_plugin_table_t* t) {
    auto* r = target(t).writer_ext->create_table_entry(target(t).table);
    return checked(t, r, r == nullptr);
}

void destroy_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    target(t).writer_ext->destroy_table_entry(target(t).table, e);
}

ss_plugin_table_entry_t* add_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key, ss_plugin_table_entry_t* e) {
    auto* r = target(t).writer_ext->add_table_entry(target(t).table, key, e);
    return checked(t, r, r == nullptr);
}

ss_plugin_rc write_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                         const ss_plugin_state_data* in) {
    const auto r = target(t).writer_ext->write_entry_field(target(t).table, e, f, in);
    return checked(t, r, r != SS_PLUGIN_SUCCESS);
}

}  // namespace

PluginTableAccess::PluginTableAccess(Owner& caller, const ss_plugin_table_input& target, const Owner& table_owner)
    : caller_(caller), target_(target), table_owner_(table_owner) {
    fields_.list_table_fields = list_fields;
    fields_.get_table_field = get_field;
    fields_.add_table_field = add_field;
    reader_.get_table_name = get_name;
    reader_.get_table_size = get_size;
    reader_.get_table_entry = get_entry;
    reader_.read_entry_field = read_field;
    reader_.release_table_entry = release_entry;
    reader_.iterate_entries = iterate;
    writer_.clear_table = clear;
    writer_.erase_table_entry = erase_entry;
    writer_.create_table_entry = create_entry;
    writer_.destroy_table_entry = destroy_entry;
    writer_.add_table_entry = add_entry;
    writer_.write_entry_field = write_field;
    input_.name = target.name;
    input_.key_type = target.key_type;
    input_.table = this;
    input_.fields_ext = &fields_;
    input_.reader_ext = &reader_;
    input_.writer_ext = &writer_;
    mirror_deprecated_vtables(input_);
}

void PluginTableAccess::failed() {
    try {
        caller_.set_error(table_owner_.plugin_last_error());
    } catch (...) {
        // out of memory: the caller's error stays as it was
    }
}

}  // namespace fph
