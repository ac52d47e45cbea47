// The symbols every plugin exports. Static ones answer from the generated metadata, without the runtime.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include <memory>

#include "guard.h"
#include "plugin_metadata.h"
#include "plugin_state.h"

using falco_ts::Guard;
using falco_ts::Metadata;
using falco_ts::PluginState;
using falco_ts::RequiredApiMinor;

extern "C" {

const char* plugin_get_required_api_version(void) { return Metadata().required_api_version.c_str(); }
const char* plugin_get_version(void) { return Metadata().version.c_str(); }
const char* plugin_get_name(void) { return Metadata().name.c_str(); }
const char* plugin_get_description(void) { return Metadata().description.c_str(); }
const char* plugin_get_contact(void) { return Metadata().contact.c_str(); }

const char* plugin_get_init_schema(ss_plugin_schema_type* schema_type) {
  const bool has_schema = !Metadata().init_schema_json.empty();
  if (schema_type != nullptr) *schema_type = has_schema ? SS_PLUGIN_SCHEMA_JSON : SS_PLUGIN_SCHEMA_NONE;
  return Metadata().init_schema_json.c_str();
}

ss_plugin_t* plugin_init(const ss_plugin_init_input* input, ss_plugin_rc* rc) {
  return Guard(
      [&]() -> ss_plugin_t* {
        // On failure the host reads get_last_error from the returned state, then destroys it. A host of
        // an API before 3.3 passes no log_fn member.
        const ss_plugin_log_fn_t log_fn = input != nullptr && RequiredApiMinor() >= 3 ? input->log_fn : nullptr;
        auto state = std::make_unique<PluginState>(input ? input->owner : nullptr, log_fn,
                                                   input ? input->tables : nullptr,
                                                   input ? input->get_owner_last_error : nullptr);
        *rc = state->Init(input ? input->config : "") ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
        return state.release();
      },
      [&](const std::string&) -> ss_plugin_t* {
        *rc = SS_PLUGIN_FAILURE;
        return nullptr;
      });
}

void plugin_destroy(ss_plugin_t* s) {
  Guard([&]() { delete static_cast<PluginState*>(s); }, [](const std::string&) {});
}

const char* plugin_get_last_error(ss_plugin_t* s) {
  return s != nullptr ? static_cast<PluginState*>(s)->last_error() : "no plugin state";
}

}  // extern "C"
