// The event sourcing symbols, linked into a plugin library only when the plugin has EventSourcing.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "guard.h"
#include "plugin_metadata.h"
#include "plugin_state.h"
#include "sourcing/sourcing_state.h"

using falco_ts::Guard;
using falco_ts::Instance;
using falco_ts::Metadata;
using falco_ts::PluginState;
using falco_ts::SourcingState;

namespace {
PluginState* State(ss_plugin_t* s) { return static_cast<PluginState*>(s); }
SourcingState& Sourcing(ss_plugin_t* s) { return SourcingState::Of(*State(s)); }
Instance* Inst(ss_instance_t* h) { return static_cast<Instance*>(h); }
}  // namespace

extern "C" {

uint32_t plugin_get_id(void) { return Metadata().id; }
const char* plugin_get_event_source(void) { return Metadata().event_source.c_str(); }

ss_instance_t* plugin_open(ss_plugin_t* s, const char* params, ss_plugin_rc* rc) {
  return Guard([&]() -> ss_instance_t* { return Sourcing(s).Open(params, rc); },
               [&](const std::string& e) -> ss_instance_t* {
                 State(s)->set_last_error(e);
                 *rc = SS_PLUGIN_FAILURE;
                 return nullptr;
               });
}

void plugin_close(ss_plugin_t* s, ss_instance_t* h) {
  if (h == nullptr) return;
  Guard([&]() { Sourcing(s).Close(Inst(h)); }, [](const std::string&) {});
}

const char* plugin_list_open_params(ss_plugin_t* s, ss_plugin_rc* rc) {
  return Guard([&]() { return Sourcing(s).ListOpenParams(rc); },
               [&](const std::string& e) -> const char* {
                 State(s)->set_last_error(e);
                 *rc = SS_PLUGIN_FAILURE;
                 return nullptr;
               });
}

const char* plugin_get_progress(ss_plugin_t* s, ss_instance_t* h, uint32_t* progress_pct) {
  return Guard([&]() { return Sourcing(s).Progress(Inst(h), progress_pct); },
               [&](const std::string&) -> const char* {
                 *progress_pct = 0;
                 return "";
               });
}

const char* plugin_event_to_string(ss_plugin_t* s, const ss_plugin_event_input* evt) {
  return Guard([&]() { return Sourcing(s).EventToString(evt); },
               [](const std::string&) -> const char* { return ""; });
}

ss_plugin_rc plugin_next_batch(ss_plugin_t* s, ss_instance_t* h, uint32_t* nevts, ss_plugin_event*** evts) {
  return Guard([&]() { return Sourcing(s).NextBatch(Inst(h), nevts, evts); },
               [&](const std::string& e) {
                 State(s)->set_last_error(e);
                 *nevts = 0;
                 return SS_PLUGIN_FAILURE;
               });
}

}  // extern "C"
