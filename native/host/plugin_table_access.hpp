// A plugin's handle of a table another plugin added, as libsinsp gives it
// (plugin_table_wrapper behind the caller's accessor): every call goes to the
// owner plugin's own function, and when one fails the owner's
// plugin_get_last_error becomes the caller's get_owner_last_error, so the
// caller can say why.
#pragma once

#include "falco_plugin_api.h"

namespace fph {

class Owner;

class PluginTableAccess {
public:
    // `target` is the table's registered input, `table_owner` the Owner of
    // the plugin that added it; both outlive the handle's use.
    PluginTableAccess(Owner& caller, const ss_plugin_table_input& target, const Owner& table_owner);
    PluginTableAccess(const PluginTableAccess&) = delete;
    PluginTableAccess& operator=(const PluginTableAccess&) = delete;

    ss_plugin_table_t* handle() { return static_cast<ss_plugin_table_t*>(&input_); }

    // For the vtable functions (plugin_table_access.cpp).
    static PluginTableAccess& of(ss_plugin_table_t* t) { return *static_cast<PluginTableAccess*>(t); }
    const ss_plugin_table_input& target() const { return target_; }
    // After a call of the target that failed: the owner's error is the caller's.
    void failed();

private:
    Owner& caller_;
    const ss_plugin_table_input& target_;
    const Owner& table_owner_;
    ss_plugin_table_fields_vtable_ext fields_{};
    ss_plugin_table_reader_vtable_ext reader_{};
    ss_plugin_table_writer_vtable_ext writer_{};
    ss_plugin_table_input input_{};
};

}  // namespace fph
