// The `run` command: drive a source plugin (and optional extractors) through
// init -> [set_config] -> capture_open -> open -> next_batch/parse/extract loop
// -> close -> capture_close -> destroy, on the threads and cycles asked for.
// Each capability has its own driver (sourcing, parsing, extraction,
// listening, config, metrics); the runner composes them and prints what they
// produce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.hpp"
#include "threads_seed.hpp"

namespace fph {

// A --set-config: the config, and the event after which it is applied (0:
// right after init, before capture_open).
struct SetConfigSpec {
    std::string config;
    uint64_t after = 0;
};

struct PluginSpec {
    std::string path;
    std::string config;
    std::vector<SetConfigSpec> set_configs;  // in command-line order
};

struct RunOptions {
    PluginSpec source;
    std::string open_params;
    std::vector<PluginSpec> extractors;
    std::string fields;          // comma-separated, as given to --fields
    std::string output_fields;   // --output-fields: asked on every output_every'th event only
    uint64_t output_every = 100;
    uint64_t max_events = 0;     // per state; 0 = unlimited
    bool json = false;
    bool stats = false;
    bool offsets = true;         // pass value_offsets to API >= 3.11 plugins
    bool quiet = false;          // no per-event output, no event_to_string
    bool progress = false;       // report get_progress on stderr
    bool list_open_params = false;  // report list_open_params on stderr after init
    bool print_offsets = false;     // --json: add "<field>@offsets" when the plugin sets value offsets
    unsigned parallel = 1;
    uint64_t cycles = 1;
    uint64_t captures = 1;                // --captures: captures per plugin state
    ThreadsSeed threads;                  // --threads: the threads table's entries at each init
    std::vector<std::string> dump_tables; // --dump-table: printed at the end of each capture
    bool dump_state = false;              // --dump-state: dump_state at the end of each capture
    bool metrics = false;                 // --metrics: get_metrics at the end of each capture
    uint64_t metrics_every = 0;           // --metrics-every: also after every n'th event (0: never)
    unsigned metrics_poll_ms = 0;         // --metrics-poll: from a thread of its own (0: never)
};

// Returns the process exit status (0 = success). Throws HostError for setup
// errors (loading, config validation, field list).
int run_command(const RunOptions& opts, Clock::time_point t0);

// Asks running loops to stop at the next event (signal handlers).
void request_stop();

}  // namespace fph
