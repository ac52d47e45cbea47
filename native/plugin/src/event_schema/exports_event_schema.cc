// The required event schema version (API 3.12), from the plugin's payload. `falco-plugin build` keeps
// it exported only when the plugin declares a version: libsinsp reads a library without the symbol and
// one returning NULL alike (schema 3.0.0), and the test host checks only the libraries exporting it.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <falco_plugin_api.h>

#include "plugin_metadata.h"

extern "C" {

const char* plugin_get_required_event_schema_version(ss_plugin_t*) {
  const std::string& version = falco_ts::Metadata().required_event_schema_version;
  return version.empty() ? nullptr : version.c_str();
}

}  // extern "C"
