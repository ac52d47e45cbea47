// The field extraction symbols, linked into a plugin library only when the plugin has FieldExtraction.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "extraction/extraction_state.h"
#include "guard.h"
#include "plugin_metadata.h"
#include "plugin_state.h"

using falco_ts::ExtractionState;
using falco_ts::Guard;
using falco_ts::Metadata;
using falco_ts::PluginState;

namespace {
PluginState* State(ss_plugin_t* s) { return static_cast<PluginState*>(s); }
}  // namespace

extern "C" {

const char* plugin_get_fields(void) { return Metadata().fields_json.c_str(); }
const char* plugin_get_extract_event_sources(void) { return Metadata().extract_event_sources_json.c_str(); }

uint16_t* plugin_get_extract_event_types(uint32_t* numtypes, ss_plugin_t*) {
  static uint16_t no_types[1] = {0};
  const std::vector<uint16_t>& types = Metadata().extract_event_types;
  *numtypes = static_cast<uint32_t>(types.size());
  return types.empty() ? no_types : const_cast<uint16_t*>(types.data());
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                   const ss_plugin_field_extract_input* in) {
  return Guard([&]() { return ExtractionState::Of(*State(s)).Extract(evt, in); },
               [&](const std::string& e) {
                 State(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
