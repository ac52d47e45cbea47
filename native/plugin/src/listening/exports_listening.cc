// The capture listening symbols (API 3.7), exported when the plugin has CaptureListening.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "guard.h"
#include "listening/listening_state.h"
#include "plugin_state.h"

using falco_ts::Guard;
using falco_ts::ListeningState;
using falco_ts::PluginState;

extern "C" {

ss_plugin_rc plugin_capture_open(ss_plugin_t* s, const ss_plugin_capture_listen_input* in) {
  if (s == nullptr) return SS_PLUGIN_FAILURE;
  return Guard([&]() { return ListeningState::Of(*static_cast<PluginState*>(s)).CaptureOpen(in); },
               [&](const std::string& e) {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

ss_plugin_rc plugin_capture_close(ss_plugin_t* s, const ss_plugin_capture_listen_input* in) {
  if (s == nullptr) return SS_PLUGIN_FAILURE;
  return Guard([&]() { return ListeningState::Of(*static_cast<PluginState*>(s)).CaptureClose(in); },
               [&](const std::string& e) {
                 static_cast<PluginState*>(s)->set_last_error(e);
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
