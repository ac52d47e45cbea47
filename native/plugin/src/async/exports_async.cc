// The async event symbols of a plugin library with async events.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "async/async_state.h"
#include "guard.h"
#include "plugin_metadata.h"
#include "plugin_state.h"

using falco_ts::AsyncState;
using falco_ts::Guard;
using falco_ts::Metadata;
using falco_ts::PluginState;

namespace {

ss_plugin_rc Failed(ss_plugin_t* s, const std::string& e) {
  static_cast<PluginState*>(s)->set_last_error(e);
  return SS_PLUGIN_FAILURE;
}

}  // namespace

extern "C" {

const char* plugin_get_async_event_sources(void) { return Metadata().async_event_sources_json.c_str(); }

const char* plugin_get_async_events(void) { return Metadata().async_events_json.c_str(); }

ss_plugin_rc plugin_set_async_event_handler(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                            const ss_plugin_async_event_handler_t handler) {
  if (s == nullptr) return SS_PLUGIN_FAILURE;
  return Guard([&]() { return AsyncState::Of(*static_cast<PluginState*>(s)).SetHandler(owner, handler); },
               [&](const std::string& e) { return Failed(s, e); });
}

ss_plugin_rc plugin_dump_state(ss_plugin_t* s, ss_plugin_owner_t* owner, const ss_plugin_async_event_handler_t handler) {
  if (s == nullptr) return SS_PLUGIN_FAILURE;
  return Guard([&]() { return AsyncState::Of(*static_cast<PluginState*>(s)).DumpState(owner, handler); },
               [&](const std::string& e) { return Failed(s, e); });
}

}  // extern "C"
