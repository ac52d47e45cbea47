// The field extraction symbols, linked into a plugin library only when the plugin has FieldExtraction.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "guard.h"
#include "plugin_metadata.h"
#include "plugin_state.h"

using falco_ts::Guard;
using falco_ts::kPluginMetadata;
using falco_ts::PluginState;

extern "C" {

const char* plugin_get_fields(void) { return kPluginMetadata.fields_json; }
const char* plugin_get_extract_event_sources(void) { return kPluginMetadata.extract_event_sources_json; }

uint16_t* plugin_get_extract_event_types(uint32_t* numtypes, ss_plugin_t*) {
  *numtypes = kPluginMetadata.extract_event_types_count;
  return const_cast<uint16_t*>(kPluginMetadata.extract_event_types);
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                   const ss_plugin_field_extract_input* in) {
  return Guard([&]() { return static_cast<PluginState*>(s)->Extract(evt, in); },
               [&](const std::string& e) {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
