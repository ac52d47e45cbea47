#include "table_dispatch.hpp"

#include <cstdint>

namespace fph {

namespace {

// A NULL handle fails (there is no owner to tell why); any other handle is
// an ss_plugin_table_input by the API's contract.
const ss_plugin_table_input* in_of(ss_plugin_table_t* t) {
    return static_cast<const ss_plugin_table_input*>(t);
}

const ss_plugin_table_fieldinfo* list_fields(ss_plugin_table_t* t, uint32_t* nfields) {
    if (t == nullptr) {
        if (nfields != nullptr) *nfields = 0;
        return nullptr;
    }
    return in_of(t)->fields_ext->list_table_fields(in_of(t)->table, nfields);
}

ss_plugin_table_field_t* get_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return t != nullptr ? in_of(t)->fields_ext->get_table_field(in_of(t)->table, name, type) : nullptr;
}

ss_plugin_table_field_t* add_field(ss_plugin_table_t* t, const char* name, ss_plugin_state_type type) {
    return t != nullptr ? in_of(t)->fields_ext->add_table_field(in_of(t)->table, name, type) : nullptr;
}

const char* get_name(ss_plugin_table_t* t) {
    return t != nullptr ? in_of(t)->reader_ext->get_table_name(in_of(t)->table) : nullptr;
}

uint64_t get_size(ss_plugin_table_t* t) {
    return t != nullptr ? in_of(t)->reader_ext->get_table_size(in_of(t)->table) : UINT64_MAX;
}

ss_plugin_table_entry_t* get_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return t != nullptr ? in_of(t)->reader_ext->get_table_entry(in_of(t)->table, key) : nullptr;
}

ss_plugin_rc read_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                        ss_plugin_state_data* out) {
    if (t == nullptr) return SS_PLUGIN_FAILURE;
    return in_of(t)->reader_ext->read_entry_field(in_of(t)->table, e, f, out);
}

void release_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    if (t != nullptr) in_of(t)->reader_ext->release_table_entry(in_of(t)->table, e);
}

ss_plugin_bool iterate(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                       ss_plugin_table_iterator_state_t* s) {
    return t != nullptr ? in_of(t)->reader_ext->iterate_entries(in_of(t)->table, it, s) : 0;
}

ss_plugin_rc clear(ss_plugin_table_t* t) {
    return t != nullptr ? in_of(t)->writer_ext->clear_table(in_of(t)->table) : SS_PLUGIN_FAILURE;
}

ss_plugin_rc erase_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
    return t != nullptr ? in_of(t)->writer_ext->erase_table_entry(in_of(t)->table, key) : SS_PLUGIN_FAILURE;
}

ss_plugin_table_entry_t* create_entry(ss_plugin_table_t* t) {
    return t != nullptr ? in_of(t)->writer_ext->create_table_entry(in_of(t)->table) : nullptr;
}

void destroy_entry(ss_plugin_table_t* t, ss_plugin_table_entry_t* e) {
    if (t != nullptr) in_of(t)->writer_ext->destroy_table_entry(in_of(t)->table, e);
}

ss_plugin_table_entry_t* add_entry(ss_plugin_table_t* t, const ss_plugin_state_data* key,
                                   ss_plugin_table_entry_t* e) {
    return t != nullptr ? in_of(t)->writer_ext->add_table_entry(in_of(t)->table, key, e) : nullptr;
}

ss_plugin_rc write_field(ss_plugin_table_t* t, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                         const ss_plugin_state_data* in) {
    if (t == nullptr) return SS_PLUGIN_FAILURE;
    return in_of(t)->writer_ext->write_entry_field(in_of(t)->table, e, f, in);
}

template <typename V>
void fill_fields(V& v) {
    v.list_table_fields = list_fields;
    v.get_table_field = get_field;
    v.add_table_field = add_field;
}

template <typename V>
void fill_writer(V& v) {
    v.clear_table = clear;
    v.erase_table_entry = erase_entry;
    v.create_table_entry = create_entry;
    v.destroy_table_entry = destroy_entry;
    v.add_table_entry = add_entry;
    v.write_entry_field = write_field;
}

}  // namespace

void fill_dispatch(ss_plugin_table_fields_vtable_ext& fields) { fill_fields(fields); }
void fill_dispatch(ss_plugin_table_fields_vtable& fields) { fill_fields(fields); }

void fill_dispatch(ss_plugin_table_reader_vtable_ext& reader) {
    reader.get_table_name = get_name;
    reader.get_table_size = get_size;
    reader.get_table_entry = get_entry;
    reader.read_entry_field = read_field;
    reader.release_table_entry = release_entry;
    reader.iterate_entries = iterate;
}

void fill_dispatch(ss_plugin_table_reader_vtable& reader) {
    reader.get_table_name = get_name;
    reader.get_table_size = get_size;
    reader.get_table_entry = get_entry;
    reader.read_entry_field = read_field;
}

void fill_dispatch(ss_plugin_table_writer_vtable_ext& writer) { fill_writer(writer); }
void fill_dispatch(ss_plugin_table_writer_vtable& writer) { fill_writer(writer); }

void mirror_deprecated_vtables(ss_plugin_table_input& in) {
    in.fields.list_table_fields = in.fields_ext->list_table_fields;
    in.fields.get_table_field = in.fields_ext->get_table_field;
    in.fields.add_table_field = in.fields_ext->add_table_field;
    in.reader.get_table_name = in.reader_ext->get_table_name;
    in.reader.get_table_size = in.reader_ext->get_table_size;
    in.reader.get_table_entry = in.reader_ext->get_table_entry;
    in.reader.read_entry_field = in.reader_ext->read_entry_field;
    in.writer.clear_table = in.writer_ext->clear_table;
    in.writer.erase_table_entry = in.writer_ext->erase_table_entry;
    in.writer.create_table_entry = in.writer_ext->create_table_entry;
    in.writer.destroy_table_entry = in.writer_ext->destroy_table_entry;
    in.writer.add_table_entry = in.writer_ext->add_table_entry;
    in.writer.write_entry_field = in.writer_ext->write_entry_field;
}

}  // namespace fph
