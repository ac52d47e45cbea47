// The config update symbol, linked into every plugin library (API 3.4).
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "config/config_state.h"
#include "guard.h"
#include "plugin_state.h"

using falco_ts::ConfigState;
using falco_ts::Guard;
using falco_ts::PluginState;

extern "C" {

ss_plugin_rc plugin_set_config(ss_plugin_t* s, const ss_plugin_set_config_input* in) {
  if (s == nullptr) return SS_PLUGIN_FAILURE;
  return Guard([&]() { return ConfigState::Of(*static_cast<PluginState*>(s)).SetConfig(in); },
               [&](const std::string& e) {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
