// The host side of one plugin state: what ss_plugin_owner_t points to.
#pragma once

#include <string>

#include "falco_plugin_api.h"

namespace fph {

// One Owner per plugin state (init .. destroy). It must not move once its
// address has been handed to the plugin, so it is always heap-allocated.
class Owner {
public:
    explicit Owner(std::string plugin_name);
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;

    const std::string& plugin_name() const { return plugin_name_; }
    void set_error(std::string msg) { last_error_ = std::move(msg); }
    void clear_error() { last_error_.clear(); }

    ss_plugin_owner_t* as_owner() { return static_cast<ss_plugin_owner_t*>(this); }
    static Owner* from(ss_plugin_owner_t* o) { return static_cast<Owner*>(o); }

    // Callbacks handed to the plugin.
    static const char* get_owner_last_error(ss_plugin_owner_t* o);
    static void log(ss_plugin_owner_t* o, const char* component, const char* msg,
                    ss_plugin_log_severity sev);

    // Table access for plugins with parsing/extraction capability. This host
    // has no state tables: listing returns none, lookups and additions fail
    // with an owner error; the per-table vtables are safe no-ops.
    const ss_plugin_init_tables_input* tables_input() const { return &tables_; }
    const ss_plugin_table_reader_vtable& table_reader() const { return reader_; }
    ss_plugin_table_reader_vtable_ext* table_reader_ext() { return &reader_ext_; }
    const ss_plugin_table_writer_vtable& table_writer() const { return writer_; }
    ss_plugin_table_writer_vtable_ext* table_writer_ext() { return &writer_ext_; }

private:
    std::string plugin_name_;
    std::string last_error_;
    ss_plugin_init_tables_input tables_{};
    ss_plugin_table_fields_vtable_ext fields_ext_{};
    ss_plugin_table_reader_vtable reader_{};
    ss_plugin_table_reader_vtable_ext reader_ext_{};
    ss_plugin_table_writer_vtable writer_{};
    ss_plugin_table_writer_vtable_ext writer_ext_{};
};

const char* severity_name(ss_plugin_log_severity sev);

}  // namespace fph
