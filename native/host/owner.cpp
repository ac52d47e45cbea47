#include "owner.hpp"

#include <cstdio>

namespace fph {

namespace {

// --- state table stubs -----------------------------------------------------
// The host owns no tables and never hands one out, so the per-table
// functions below are only reachable by a misbehaving plugin: they fail
// safely instead of crashing.

ss_plugin_table_info g_no_tables[1] = {{nullptr, SS_PLUGIN_ST_INT8}};

ss_plugin_table_info* list_tables(ss_plugin_owner_t* o, uint32_t* ntables) {
    if (ntables != nullptr) {
        *ntables = 0;
    }
    if (o != nullptr) {
        Owner::from(o)->clear_error();
    }
    return g_no_tables;  // valid pointer, zero entries
}

ss_plugin_table_t* get_table(ss_plugin_owner_t* o, const char* name, ss_plugin_state_type) {
    if (o != nullptr) {
        Owner::from(o)->set_error(std::string("table '") + (name ? name : "(null)") +
                                  "' not found: falco-plugin-host provides no state tables");
    }
    return nullptr;
}

ss_plugin_rc add_table(ss_plugin_owner_t* o, const ss_plugin_table_input* in) {
    if (o != nullptr) {
        Owner::from(o)->set_error(std::string("cannot add table '") +
                                  (in && in->name ? in->name : "(null)") +
                                  "': falco-plugin-host does not support state tables");
    }
    return SS_PLUGIN_FAILURE;
}

const ss_plugin_table_fieldinfo* list_table_fields(ss_plugin_table_t*, uint32_t* nfields) {
    if (nfields != nullptr) {
        *nfields = 0;
    }
    return nullptr;
}
ss_plugin_table_field_t* get_table_field(ss_plugin_table_t*, const char*, ss_plugin_state_type) {
    return nullptr;
}
ss_plugin_table_field_t* add_table_field(ss_plugin_table_t*, const char*, ss_plugin_state_type) {
    return nullptr;
}
const char* get_table_name(ss_plugin_table_t*) { return nullptr; }
uint64_t get_table_size(ss_plugin_table_t*) { return UINT64_MAX; }
ss_plugin_table_entry_t* get_table_entry(ss_plugin_table_t*, const ss_plugin_state_data*) {
    return nullptr;
}
ss_plugin_rc read_entry_field(ss_plugin_table_t*, ss_plugin_table_entry_t*,
                              const ss_plugin_table_field_t*, ss_plugin_state_data*) {
    return SS_PLUGIN_FAILURE;
}
void release_table_entry(ss_plugin_table_t*, ss_plugin_table_entry_t*) {}
ss_plugin_bool iterate_entries(ss_plugin_table_t*, ss_plugin_table_iterator_func_t,
                               ss_plugin_table_iterator_state_t*) {
    return 0;
}
ss_plugin_rc clear_table(ss_plugin_table_t*) { return SS_PLUGIN_FAILURE; }
ss_plugin_rc erase_table_entry(ss_plugin_table_t*, const ss_plugin_state_data*) {
    return SS_PLUGIN_FAILURE;
}
ss_plugin_table_entry_t* create_table_entry(ss_plugin_table_t*) { return nullptr; }
void destroy_table_entry(ss_plugin_table_t*, ss_plugin_table_entry_t*) {}
ss_plugin_table_entry_t* add_table_entry(ss_plugin_table_t*, const ss_plugin_state_data*,
                                         ss_plugin_table_entry_t*) {
    return nullptr;
}
ss_plugin_rc write_entry_field(ss_plugin_table_t*, ss_plugin_table_entry_t*,
                               const ss_plugin_table_field_t*, const ss_plugin_state_data*) {
    return SS_PLUGIN_FAILURE;
}

}  // namespace

Owner::Owner(std::string plugin_name) : plugin_name_(std::move(plugin_name)) {
    fields_ext_.list_table_fields = list_table_fields;
    fields_ext_.get_table_field = get_table_field;
    fields_ext_.add_table_field = add_table_field;

    reader_.get_table_name = get_table_name;
    reader_.get_table_size = get_table_size;
    reader_.get_table_entry = get_table_entry;
    reader_.read_entry_field = read_entry_field;

    reader_ext_.get_table_name = get_table_name;
    reader_ext_.get_table_size = get_table_size;
    reader_ext_.get_table_entry = get_table_entry;
    reader_ext_.read_entry_field = read_entry_field;
    reader_ext_.release_table_entry = release_table_entry;
    reader_ext_.iterate_entries = iterate_entries;

    writer_ext_.clear_table = clear_table;
    writer_ext_.erase_table_entry = erase_table_entry;
    writer_ext_.create_table_entry = create_table_entry;
    writer_ext_.destroy_table_entry = destroy_table_entry;
    writer_ext_.add_table_entry = add_table_entry;
    writer_ext_.write_entry_field = write_entry_field;
    writer_.clear_table = clear_table;
    writer_.erase_table_entry = erase_table_entry;
    writer_.create_table_entry = create_table_entry;
    writer_.destroy_table_entry = destroy_table_entry;
    writer_.add_table_entry = add_table_entry;
    writer_.write_entry_field = write_entry_field;

    tables_.list_tables = list_tables;
    tables_.get_table = get_table;
    tables_.add_table = add_table;
    tables_.fields.list_table_fields = list_table_fields;
    tables_.fields.get_table_field = get_table_field;
    tables_.fields.add_table_field = add_table_field;
    tables_.fields_ext = &fields_ext_;
    tables_.reader_ext = &reader_ext_;
    tables_.writer_ext = &writer_ext_;
}

const char* Owner::get_owner_last_error(ss_plugin_owner_t* o) {
    if (o == nullptr) {
        return nullptr;
    }
    const auto* self = from(o);
    return self->last_error_.empty() ? nullptr : self->last_error_.c_str();
}

const char* severity_name(ss_plugin_log_severity sev) {
    switch (sev) {
    case SS_PLUGIN_LOG_SEV_FATAL: return "fatal";
    case SS_PLUGIN_LOG_SEV_CRITICAL: return "critical";
    case SS_PLUGIN_LOG_SEV_ERROR: return "error";
    case SS_PLUGIN_LOG_SEV_WARNING: return "warning";
    case SS_PLUGIN_LOG_SEV_NOTICE: return "notice";
    case SS_PLUGIN_LOG_SEV_INFO: return "info";
    case SS_PLUGIN_LOG_SEV_DEBUG: return "debug";
    case SS_PLUGIN_LOG_SEV_TRACE: return "trace";
    }
    return "unknown";
}

void Owner::log(ss_plugin_owner_t* o, const char* component, const char* msg,
                ss_plugin_log_severity sev) {
    // "[<component or plugin name>] <severity>: <msg>" as one write, so lines
    // from concurrent states do not interleave.
    std::string line = "[";
    if (component != nullptr) {
        line += component;
    } else if (o != nullptr) {
        line += from(o)->plugin_name_;
    }
    line += "] ";
    line += severity_name(sev);
    line += ": ";
    line += msg ? msg : "(null)";
    if (line.empty() || line.back() != '\n') {
        line.push_back('\n');
    }
    std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace fph

