#include "owner.hpp"

#include <cstdio>

#include "reporting.hpp"
#include "table_dispatch.hpp"
#include "table_registry.hpp"
#include "thread_pool.hpp"

namespace fph {

namespace {

// The owner error of a routine thread (whichever owner it was set for).
thread_local std::string t_routine_error;

}  // namespace

Owner::Owner(std::string plugin_name, TableRegistry& registry)
    : plugin_name_(std::move(plugin_name)), registry_(registry) {
    fill_dispatch(fields_ext_);
    fill_dispatch(reader_);
    fill_dispatch(reader_ext_);
    fill_dispatch(writer_);
    fill_dispatch(writer_ext_);

    tables_.list_tables = &TableRegistry::list_tables;
    tables_.get_table = &TableRegistry::get_table;
    tables_.add_table = &TableRegistry::add_table;
    fill_dispatch(tables_.fields);
    tables_.fields_ext = &fields_ext_;
    tables_.reader_ext = &reader_ext_;
    tables_.writer_ext = &writer_ext_;
}

void Owner::end_call() {
    const TableCall call = owned_.call();
    const size_t leaked = owned_.end();
    if (leaked == 0) return;
    registry_.count_leaked(leaked);
    bool& reported = leak_reported_[static_cast<size_t>(call)];
    if (reported) return;
    reported = true;
    write_err("table entries leaked: plugin " + plugin_name_ + " held " + std::to_string(leaked) +
              " entries after " + table_call_name(call));
}

void Owner::set_error(std::string msg) {
    if (on_routine_thread()) {
        set_routine_thread_error(std::move(msg));
    } else {
        last_error_ = std::move(msg);
    }
}

void Owner::set_routine_thread_error(std::string msg) { t_routine_error = std::move(msg); }

const char* Owner::get_owner_last_error(ss_plugin_owner_t* o) {
    if (o == nullptr) {
        return nullptr;
    }
    if (on_routine_thread()) {
        return t_routine_error.empty() ? nullptr : t_routine_error.c_str();
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

