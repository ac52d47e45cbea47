// The host side of one plugin state: what ss_plugin_owner_t points to.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "falco_plugin_api.h"
#include "owner_tables.hpp"

namespace fph {

class TableRegistry;
class ThreadPool;

// One Owner per plugin state (init .. destroy). It must not move once its
// address has been handed to the plugin, so it is always heap-allocated.
class Owner {
public:
    // The registry holds the tables of the cycle and outlives the owner.
    Owner(std::string plugin_name, TableRegistry& registry);
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;

    const std::string& plugin_name() const { return plugin_name_; }
    // The error get_owner_last_error returns. On a routine thread (the
    // thread pool's, see thread_pool.hpp), which runs beside the thread
    // driving the state's calls, it is that thread's own error instead.
    void set_error(std::string msg);
    static void set_routine_thread_error(std::string msg);

    // The plugin's own plugin_get_last_error (empty before its init
    // returned): what libsinsp gives a plugin whose call of this plugin's
    // table failed.
    void bind_plugin_last_error(std::function<std::string()> read) { plugin_last_error_ = std::move(read); }
    std::string plugin_last_error() const { return plugin_last_error_ ? plugin_last_error_() : std::string(); }

    ss_plugin_owner_t* as_owner() { return static_cast<ss_plugin_owner_t*>(this); }
    static Owner* from(ss_plugin_owner_t* o) { return static_cast<Owner*>(o); }

    // Callbacks handed to the plugin.
    static const char* get_owner_last_error(ss_plugin_owner_t* o);
    static void log(ss_plugin_owner_t* o, const char* component, const char* msg,
                    ss_plugin_log_severity sev);

    // State tables, for plugins with parsing/extraction capability: init's
    // tables input (list_tables, get_table, add_table of the registry) and
    // the dispatching vtables of init, parse_event and extract_fields.
    const ss_plugin_init_tables_input* tables_input() const { return &tables_; }
    const ss_plugin_table_reader_vtable& table_reader() const { return reader_; }
    ss_plugin_table_reader_vtable_ext* table_reader_ext() { return &reader_ext_; }
    const ss_plugin_table_writer_vtable& table_writer() const { return writer_; }
    ss_plugin_table_writer_vtable_ext* table_writer_ext() { return &writer_ext_; }

    // What the async event handler of the host's AsyncDriver finds the
    // plugin by (set once, before the handler is given).
    void bind_async(void* producer) { async_ = producer; }
    void* async() const { return async_; }

    // The thread pool the plugin's routines run on (capture listening): set
    // once, before the plugin is given the routine vtable.
    void bind_routines(ThreadPool& pool) { routines_ = &pool; }
    ThreadPool* routines() const { return routines_; }

    TableRegistry& registry() const { return registry_; }
    OwnerTables& tables() { return owned_; }

    // Around every plugin call given table vtables. end_call releases what
    // the plugin still holds of the host's tables; a leak is reported on
    // stderr once per call kind and counted in the registry.
    void begin_call(TableCall c) { owned_.begin(c); }
    void end_call();

private:
    std::string plugin_name_;
    std::string last_error_;
    std::function<std::string()> plugin_last_error_;
    TableRegistry& registry_;
    ThreadPool* routines_ = nullptr;
    void* async_ = nullptr;
    OwnerTables owned_;
    bool leak_reported_[static_cast<size_t>(TableCall::Count)] = {};
    ss_plugin_init_tables_input tables_{};
    ss_plugin_table_fields_vtable_ext fields_ext_{};
    ss_plugin_table_reader_vtable reader_{};
    ss_plugin_table_reader_vtable_ext reader_ext_{};
    ss_plugin_table_writer_vtable writer_{};
    ss_plugin_table_writer_vtable_ext writer_ext_{};
};

const char* severity_name(ss_plugin_log_severity sev);

}  // namespace fph
