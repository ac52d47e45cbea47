#include "threads_table.hpp"

#include <stdexcept>

namespace fph {

namespace {

// libsinsp's fdinfo static fields that are scalars (the socket tuple ones
// are left out).
std::shared_ptr<Schema> make_fds_schema() {
    auto s = std::make_shared<Schema>(kFdsField, SS_PLUGIN_ST_INT64);
    s->add_static("type", SS_PLUGIN_ST_UINT8);
    s->add_static("open_flags", SS_PLUGIN_ST_UINT32);
    s->add_static("name", SS_PLUGIN_ST_STRING);
    s->add_static("name_raw", SS_PLUGIN_ST_STRING);
    s->add_static("old_name", SS_PLUGIN_ST_STRING);
    s->add_static("flags", SS_PLUGIN_ST_UINT32);
    s->add_static("dev", SS_PLUGIN_ST_UINT32);
    s->add_static("mount_id", SS_PLUGIN_ST_UINT32);
    s->add_static("ino", SS_PLUGIN_ST_UINT64);
    s->add_static("pid", SS_PLUGIN_ST_INT64);
    s->add_static("fd", SS_PLUGIN_ST_INT64);
    return s;
}

void apply_values(Schema& schema, Entry& e, const std::vector<SeedValue>& values) {
    for (const auto& v : values) {
        const FieldDef* f = schema.find(v.field);
        if (f == nullptr || f->type == SS_PLUGIN_ST_TABLE) {
            throw std::logic_error("seed of an unknown field " + v.field);
        }
        ss_plugin_state_data d = v.data;
        if (f->type == SS_PLUGIN_ST_STRING) d.str = v.str.c_str();
        e.write(*f, d);
    }
}

}  // namespace

std::shared_ptr<Schema> make_threads_schema() {
    // libsinsp's sinsp_threadinfo static fields (args, env and cgroups left out)
    auto s = std::make_shared<Schema>(kThreadsTable, SS_PLUGIN_ST_INT64);
    s->add_static("tid", SS_PLUGIN_ST_INT64);
    s->add_static("pid", SS_PLUGIN_ST_INT64);
    s->add_static("ptid", SS_PLUGIN_ST_INT64);
    s->add_static("reaper_tid", SS_PLUGIN_ST_INT64);
    s->add_static("sid", SS_PLUGIN_ST_INT64);
    s->add_static("comm", SS_PLUGIN_ST_STRING);
    s->add_static("exe", SS_PLUGIN_ST_STRING);
    s->add_static("exe_path", SS_PLUGIN_ST_STRING);
    s->add_static("exe_writable", SS_PLUGIN_ST_BOOL);
    s->add_static("exe_upper_layer", SS_PLUGIN_ST_BOOL);
    s->add_static("exe_lower_layer", SS_PLUGIN_ST_BOOL);
    s->add_static("exe_from_memfd", SS_PLUGIN_ST_BOOL);
    s->add_static("flags", SS_PLUGIN_ST_UINT32);
    s->add_static("fd_limit", SS_PLUGIN_ST_INT64);
    s->add_static("uid", SS_PLUGIN_ST_UINT32);
    s->add_static("gid", SS_PLUGIN_ST_UINT32);
    s->add_static("loginuid", SS_PLUGIN_ST_UINT32);
    s->add_static("exe_ino", SS_PLUGIN_ST_UINT64);
    s->add_static("exe_ino_ctime", SS_PLUGIN_ST_UINT64);
    s->add_static("exe_ino_mtime", SS_PLUGIN_ST_UINT64);
    s->add_static("vtid", SS_PLUGIN_ST_INT64);
    s->add_static("vpid", SS_PLUGIN_ST_INT64);
    s->add_static("vpgid", SS_PLUGIN_ST_INT64);
    s->add_static("pgid", SS_PLUGIN_ST_INT64);
    s->add_static("pidns_init_start_ts", SS_PLUGIN_ST_UINT64);
    s->add_static("root", SS_PLUGIN_ST_STRING);
    s->add_static("tty", SS_PLUGIN_ST_UINT32);
    s->add_static_table(kFdsField, make_fds_schema(), true);
    s->add_static("cwd", SS_PLUGIN_ST_STRING, true);
    s->set_key_field("tid");
    return s;
}

std::shared_ptr<HostTable> make_threads_table(const ThreadsSeed& seed) {
    auto table = std::make_shared<HostTable>(make_threads_schema());
    Schema& schema = table->schema();
    const FieldDef* fds_field = schema.find(kFdsField);
    for (const auto& thread : seed) {
        auto e = table->new_entry();
        apply_values(schema, *e, thread.values);
        const auto fds = e->subtable(*fds_field);
        for (const auto& fd : thread.fds) {
            auto fe = fds->new_entry();
            apply_values(fds->schema(), *fe, fd.values);
            fds->add(TableKey(fd.key), std::move(fe));
        }
        table->add(TableKey(thread.key), std::move(e));
    }
    return table;
}

}  // namespace fph
