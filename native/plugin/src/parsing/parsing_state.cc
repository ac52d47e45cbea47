#include "parsing/parsing_state.h"

#include <cstring>
#include <memory>

#include "tables/table_access.h"

namespace falco_ts {

const CapabilityRegistration ParsingState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<ParsingState>(state); },
    kPayloadParsing);

bool ParsingState::LookUpFunctions() {
  return state_.LookUpFunctions({{&parse_event_, "parseEvent", kDeadlineParseEvent}});
}

ss_plugin_rc ParsingState::Parse(const ss_plugin_event_input* evt, const ss_plugin_event_parse_input* in) {
  rt::CallScope scope(state_.env());
  const tables::HostCallScope tables_window(state_, in);  // the parse input's table reader and writer
  if (!state_.LoadEvent(evt)) return SS_PLUGIN_FAILURE;
  const char* source = evt->evtsrc != nullptr ? evt->evtsrc : "";
  const bool changed = !source_sent_ || std::strcmp(source, source_.c_str()) != 0;
  rt::Result& result = state_.event_result();
  bool called = false;
  if (changed) {
    source_ = source;
    called = state_.CallJs(parse_event_, {rt::Arg::String(source_)}, rt::Want::kNumber, result);
    // A failed call may not have reached JavaScript: name the source again next time.
    source_sent_ = called;
  } else {
    called = state_.CallJs(parse_event_, {}, rt::Want::kNumber, result);
  }
  if (!called) return SS_PLUGIN_FAILURE;
  if (static_cast<int>(result.number) != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError("parse_event", result);
    return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

}  // namespace falco_ts
