#include "config/config_state.h"

#include <memory>
#include <mutex>

namespace falco_ts {

const CapabilityRegistration ConfigState::kRegistration(
    [](PluginState& state) -> std::unique_ptr<CapabilityState> { return std::make_unique<ConfigState>(state); },
    0);

bool ConfigState::LookUpFunctions() { return state_.LookUpFunctions({{&set_config_, "setConfig", kDeadlineSetConfig}}); }

ss_plugin_rc ConfigState::SetConfig(const ss_plugin_set_config_input* in) {
  std::lock_guard<std::mutex> lock(state_.call_mutex());
  const char* config = in != nullptr && in->config != nullptr ? in->config : "";
  if (!state_.CallJs(set_config_, {rt::Arg::String(config)}, rt::Want::kNumber)) return SS_PLUGIN_FAILURE;
  if (static_cast<int>(state_.call_result().number) != SS_PLUGIN_SUCCESS) {
    state_.FetchLastError("set_config");
    return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

}  // namespace falco_ts
