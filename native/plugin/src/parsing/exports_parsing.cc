// The event parsing symbols, linked into a plugin library only when the plugin has EventParsing.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "guard.h"
#include "parsing/parsing_state.h"
#include "plugin_metadata.h"
#include "plugin_state.h"

using falco_ts::Guard;
using falco_ts::Metadata;
using falco_ts::ParsingState;
using falco_ts::PluginState;

extern "C" {

const char* plugin_get_parse_event_sources(void) { return Metadata().parse_event_sources_json.c_str(); }

uint16_t* plugin_get_parse_event_types(uint32_t* numtypes, ss_plugin_t*) {
  static uint16_t no_types[1] = {0};
  const std::vector<uint16_t>& types = Metadata().parse_event_types;
  *numtypes = static_cast<uint32_t>(types.size());
  return types.empty() ? no_types : const_cast<uint16_t*>(types.data());
}

ss_plugin_rc plugin_parse_event(ss_plugin_t* s, const ss_plugin_event_input* evt, const ss_plugin_event_parse_input* in) {
  return Guard([&]() { return ParsingState::Of(*static_cast<PluginState*>(s)).Parse(evt, in); },
               [&](const std::string& e) {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
