// The static information of a plugin and its JavaScript bundle. `falco-plugin build` writes them into
// the `.falco_ts_payload` section of the plugin library (see payload.cc); every state-less symbol
// answers from them, without starting the runtime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace falco_ts {

struct PluginMetadata {
  std::string required_api_version;
  std::string version;
  std::string name;
  std::string description;
  std::string contact;
  std::string event_source;
  std::string fields_json;
  std::string init_schema_json;  // "" when the plugin has no schema
  std::string extract_event_sources_json;
  std::string bundle;  // the plugin's JavaScript bundle (UTF-8)
  std::vector<uint16_t> extract_event_types;
  std::string parse_event_sources_json;
  std::vector<uint16_t> parse_event_types;  // empty: every type
  // Deadline per callback in ms (0: none), indexed by DeadlineCallback.
  std::vector<uint32_t> call_deadlines_ms;
  uint32_t heap_limit_mib = 0;  // 0: V8's default
  uint32_t id = 0;
  // The capabilities, as kPayload* bits.
  uint32_t capability_flags = 0;
  bool sourcing = false;
  bool extraction = false;
  bool parsing = false;
  bool listening = false;
  // What get_required_event_schema_version answers ("" when the plugin declares none: not exported).
  std::string required_event_schema_version;
  // What get_async_events and get_async_event_sources answer (JSON arrays).
  std::string async_events_json;
  std::string async_event_sources_json;
  // The library's own path as the host loaded it, and why the payload could not be read ("" when it was).
  std::string library_path;
  std::string load_error;
};

// The capability bits of the payload's flags (lib/cli/payload.ts).
constexpr uint32_t kPayloadSourcing = 1;
constexpr uint32_t kPayloadExtraction = 2;
constexpr uint32_t kPayloadParsing = 4;
constexpr uint32_t kPayloadListening = 8;
constexpr uint32_t kPayloadAsync = 16;

// The callbacks with a deadline, in the payload's order (lib/plugins/call-deadlines.ts).
enum DeadlineCallback : int {
  kDeadlineInit = 0,
  kDeadlineOpen = 1,
  kDeadlineNextBatch = 2,
  kDeadlineExtract = 3,
  kDeadlineEventToString = 4,
  kDeadlineProgress = 5,
  kDeadlineListOpenParams = 6,
  kDeadlineClose = 7,
  kDeadlineDestroy = 8,
  kDeadlineParseEvent = 9,
  kDeadlineCaptureOpen = 10,
  kDeadlineCaptureClose = 11,
  kDeadlineRoutine = 12,
  kDeadlineSetConfig = 13,
  kDeadlineSetAsyncHandler = 14,
  kDeadlineDumpState = 15,
  kNoDeadline = -1,
};

// The metadata of this plugin library, read once from its own file when the library is loaded.
const PluginMetadata& Metadata();

// The minor version of the plugin's required API version: what the host's structures have (a host
// of that minor may pass structures without the later members).
uint32_t RequiredApiMinor();

}  // namespace falco_ts
