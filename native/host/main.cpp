// falco-plugin-host: loads any Falco plugin library the way libsinsp does and
// drives it from the command line. See --help.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common.hpp"
#include "event_schema.hpp"
#include "falco_plugin_api.h"
#include "info.hpp"
#include "runner.hpp"
#include "threads_seed.hpp"

namespace {

const char* const kUsage =
    R"(falco-plugin-host - load and drive a Falco plugin library like libsinsp does
(plugin API )" PLUGIN_API_VERSION_STR R"()

Usage:
  falco-plugin-host run <lib.so> [options]
  falco-plugin-host info <lib.so>
  falco-plugin-host --help

info <lib.so>
  Load the library (dlopen, symbol and capability checks, fields JSON
  validation; no init) and print its static information as JSON: name,
  version, description, contact, requiredApiVersion,
  requiredEventSchemaVersion (get_required_event_schema_version called with a
  NULL state; null when not exported or NULL), capabilities (sourcing,
  extraction, parsing, async, capture_listening), id, eventSource, fields,
  extractEventSources, initSchema (and parseEventSources / asyncEvents for
  plugins with those capabilities).

run <lib.so>
  Load the source plugin (and any --extractor), validate the init configs
  against the plugins' init schemas, then for every state:
  init (every plugin) -> event schema version check -> --set-config due at 0
  -> capture_open (listening plugins) -> set_async_event_handler (async
  plugins) -> open -> next_batch loop (each event handed to parse_event of
  every loaded parser of its source and type, then the requested fields
  extracted, one field per extract_fields call; then the async events pushed
  so far, each printed as a line {"async":name,"plugin":p,"data":text}, the
  --set-config due after it, and --metrics-every) -> close -> --dump-state ->
  set_async_event_handler(NULL) -> capture_close (each followed by the stop of
  that plugin's routines) -> --metrics (the capture_open .. --metrics part
  --captures times) -> --dump-table -> destroy.

  --config <json>           init config of the source plugin (default "";
                            with an init schema, "" becomes "{}")
  --open <params>           open params of the source plugin (default "")
  --fields <f1,f2[arg],...> fields to extract for each event, routed to the
                            loaded plugin that declares them and is compatible
                            with the source's event source
  --output-fields <f,...>   fields asked only on every --output-every'th event
                            (default 100): as Falco asks a rule's output
                            fields on the events that match it
  --output-every <n>        see --output-fields
  --extractor <lib.so>      also load a plugin that extracts fields, parses
                            events and/or listens to captures (repeatable)
  --extractor-config <json> init config of the preceding --extractor
  --set-config <json>       set_config of the plugin given just before it (the
                            source, or the preceding --extractor), validated
                            against its init schema first like init configs;
                            repeatable. Applied at every cycle, after the
                            event --set-config-at says
  --set-config-at <n>       event number after which the preceding
                            --set-config is applied (default 0: right after
                            the init of all plugins, before capture_open);
                            not applied if the capture ends before event n
  --dump-state              at the end of each capture, before the async
                            handlers are reset, dump_state of every plugin
                            exporting it; its events print as async lines
                            with "dump":true (text: a trailing " dump")
  --metrics                 at the end of each capture (after capture_close,
                            before destroy) print on stderr, for every plugin
                            exporting get_metrics, one line per metric:
                            metric <plugin>.<metric> <monotonic|non_monotonic>
                              <u32|s32|u64|s64|d|f|i> <value>
                            (floating values in their shortest exact form;
                            after "metric " the [thread k] [cycle c] tags when
                            the run has several threads or cycles)
  --metrics-every <n>       --metrics, and the lines also after every n'th
                            event of each capture
  --metrics-poll <ms>       get_metrics also from a thread of its own every
                            <ms> milliseconds while each capture runs (as
                            Falco's metrics thread, beside the event loop);
                            each poll prints the lines that changed since the
                            previous poll as "metric-poll <line>"
  --max-events <n>          stop each capture after n events (default: until EOF)
  --json                    one JSON object per event and line:
                            {"evt.num":N,"evt.ts":T,"evt.plugininfo":"...",
                             "<field as written>":value,...}
                            uint64/reltime/abstime as numbers, string as
                            strings, bool as true/false, ipaddr/ipnet as text,
                            list fields as arrays, no value as null
                            (without --json: one readable text line per event)
  --quiet                   print no events and skip event_to_string (fields
                            are still extracted and checked): for benchmarks
  --parallel <N>            run N independent plugin states concurrently, one
                            per thread; every event line is tagged with its
                            thread ("thread":k in JSON, "thread=k" in text)
  --captures <N>            open and close the capture N times per plugin
                            state (capture_open .. capture_close, then
                            --metrics, each time), as an inspector opened
                            again; event numbers restart at 1 in each
  --cycles <N>              repeat the whole init..destroy sequence N times
                            (per thread); lines are tagged "cycle":c when N > 1.
                            The library is loaded once.
  --stats                   at the end print one JSON line on stderr:
                            {"events","batches","wallNs" (from before dlopen
                            to the end),"loopNs" (sum of the open..close
                            loops),"extractCalls","extractNs" (time inside
                            extract_fields, each call timed with two clock
                            reads),"timerOverheadNs" (apparent duration of an
                            empty timed interval: extractCalls x this is the
                            timing's own share of extractNs),
                            "firstEventNs" (from before dlopen
                            to the first delivered event),"maxRssKb",
                            "threads","cycles","errors",
                            "table_entries_leaked" (entries of the host's
                            tables plugins still held after a call),
                            "routine_runs" (runs of routines on the thread
                            pools)}
  --progress                print get_progress results on stderr after each
                            batch, timeout and at EOF
  --list-open-params        print the source's list_open_params JSON on stderr
                            after init ("open params: <json>")
  --print-offsets           with --json, add "<field>@offsets":[[start,len],...]
                            for fields whose plugin set value offsets (API 3.11)
  --no-offsets              pass value_offsets = NULL to extract_fields (by
                            default plugins requiring API >= 3.11 get a valid
                            request, as libsinsp gives when offsets are wanted)
  --threads <json>          seed the host's `threads` table at every init:
                            [{"tid":1,"pid":1,"comm":"init","exe":"/sbin/init",
                              "fds":[{"fd":3,"name":"/etc/passwd"}]}]
                            (any static field of the table, "tid" required;
                            "fds": entries of its file_descriptors sub-table,
                            "fd" required)
  --dump-table <name>       at the end of each capture (before the states are
                            destroyed) print the table on stderr (repeatable):
                            table <name>: {"size":N,"entries":[{"key":K,
                              "fields":{"<field>":value,...}},...]}
                            entries by key, every field list_table_fields
                            lists, sub-tables nested as {"size","entries"};
                            read through the table API like a plugin would,
                            so plugins' tables are printed too (the API gives
                            no entry's key: a plugin table's key is the value
                            of one of the entry's fields of the key type that
                            get_table_entry maps back to the entry, else null,
                            such entries after the keyed ones). Printed per
                            thread and cycle. A name that is no table is an
                            error

Semantics (as libsinsp/libscap):
  - events returned with TIMEOUT, EOF or FAILURE are delivered first, the
    result code is acted on at the next call; TIMEOUT means call again;
    0 events with SUCCESS is an error
  - plugin id 0 in an event is replaced by the plugin's id, ts = UINT64_MAX by
    the current time, tid by -1; a plugin with an id may only emit type 322
    events with 2 params and its own id
  - extract_fields gets num_fields = 1; an index argument absent or not
    numeric is passed as arg_index = UINT64_MAX; flist is 64 for list fields
  - plugins with extraction or parsing capability get state tables as in
    libsinsp: one table registry per cycle shared by all the states of that
    cycle, with the host's `threads` table (key int64 tid, libsinsp's static
    thread fields, read-only sub-table `file_descriptors` with key int64 fd)
    and the tables plugins add with add_table; list_tables, get_table and
    add_table only during init; table handles are ss_plugin_table_input
    pointers and the vtables dispatch to each input's own functions; readers
    are given to init, parse_event and extract_fields, writers to init and
    parse_event, capture_open and capture_close; plugins may add dynamic
    fields (not of type table); errors are read with get_owner_last_error
  - entries of the host's tables a plugin obtained (get/add_table_entry) and
    did not release, or created and neither added nor destroyed, are
    released by the host after the call and reported once per call kind:
    "table entries leaked: plugin <name> held <N> entries after <call>";
    sub-table handles read from a field are valid until the call returns
  - capture listening (API 3.7): plugins exporting capture_open and
    capture_close get capture_open once all plugins are initialised, before
    the source opens (libsinsp calls it just after opening its engine, the
    source's open included), and capture_close after the source has closed
    (also when the capture ended with an error, or capture_open failed),
    each with the owner, the routine vtable, a table reader and writer and
    get_owner_last_error. A failure is reported as "capture_open failed for
    plugin <name>: <get_last_error>" (or capture_close); the run goes on
  - routines: each thread of the run has a pool of 2 threads (libsinsp's
    has one per hardware thread); subscribe starts running the routine
    repeatedly there, beside the event loop, until it returns 0 or is
    unsubscribed; unsubscribe returns once it will not run again (after its
    current run on another thread; at once from the routine itself, or when
    waiting would deadlock on routines waiting for each other); unknown
    handles fail with an owner error. Subscriptions are taken from
    capture_open until capture_close returns; then the plugin's remaining
    routines are stopped (their running runs awaited), always before the
    state is destroyed. The host's tables cannot be used from a routine, and
    get_owner_last_error on a routine's thread reads that thread's errors
  - set_config (API 3.4): the config is validated against the init schema
    first (a failure is reported as for init configs, prefixed
    "set_config: ", and the plugin is not called); "set_config: plugin
    <name> does not export plugin_set_config"; "set_config failed for plugin
    <name>: <get_last_error>". These fail the run; the run goes on
  - metrics (API 3.6): renamed "<plugin name>.<metric name>" as libsinsp
    does; a metric without a name or of an unknown type is reported
  - event schema version (API 3.12): the host's events follow the event
    schema )" FPH_EVENT_SCHEMA_VERSION_STR R"( (the libs' driver/SCHEMA_VERSION). Once all plugins are
    initialised, a plugin exporting get_required_event_schema_version that
    parses or extracts event types other than 322 (an empty type list being
    every type when its event sources take "syscall", else 322 only, as
    libsinsp resolves it) must require (NULL: 3.0.0) the host's major
    version and no higher minor (or the same minor and no higher patch);
    else the run stops there with an error naming both versions (a
    malformed version too). libsinsp checks only when its engine reports a
    schema version (not a source plugin's), and then also plugins without
    the symbol, as 3.0.0
  - plugin logs are printed on stderr as "[<plugin name>] <severity>: <msg>"

Exit status: 0 on EOF or --max-events; 1 on any error (load, config, event
schema version, open, next_batch, malformed event, failed extraction, parsing,
set_config, capture_open/close or get_metrics: the run continues to the end
where it can and every failure is reported on stderr); 2 on command-line
errors.
)";

[[noreturn]] void usage_error(const std::string& msg) {
    std::fprintf(stderr, "error: %s\n(see falco-plugin-host --help)\n", msg.c_str());
    std::exit(2);
}

uint64_t parse_count(const std::string& opt, const std::string& v, uint64_t min) {
    if (v.empty() || v[0] == '-') usage_error(opt + " expects a non-negative integer, got '" + v + "'");
    errno = 0;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (errno != 0 || end == nullptr || *end != '\0') {
        usage_error(opt + " expects a non-negative integer, got '" + v + "'");
    }
    if (n < min) usage_error(opt + " must be at least " + std::to_string(min));
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    // captured first: the stats' wall and first-event times start before dlopen
    const auto t0 = fph::Clock::now();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
    }

    const std::string cmd = args[0];
    try {
        if (cmd == "info") {
            if (args.size() != 2) usage_error("info expects exactly one library path");
            return fph::info_command(args[1]);
        }
        if (cmd != "run") usage_error("unknown command '" + cmd + "'");

        fph::RunOptions opts;
        bool have_source = false;
        // the plugin of the last --set-config (0 = the source, k = the k'th --extractor)
        size_t set_config_plugin = 0;
        bool have_set_config = false;
        auto plugin_spec = [&opts](size_t k) -> fph::PluginSpec& {
            return k == 0 ? opts.source : opts.extractors[k - 1];
        };
        for (size_t i = 1; i < args.size(); i++) {
            std::string a = args[i];
            std::string value;
            bool has_inline = false;
            if (a.rfind("--", 0) == 0) {
                const size_t eq = a.find('=');
                if (eq != std::string::npos) {
                    value = a.substr(eq + 1);
                    a = a.substr(0, eq);
                    has_inline = true;
                }
            }
            auto take = [&]() -> std::string {
                if (has_inline) return value;
                if (i + 1 >= args.size()) usage_error(a + " expects a value");
                return args[++i];
            };
            auto flag = [&]() {
                if (has_inline) usage_error(a + " takes no value");
            };
            if (a == "--config") {
                opts.source.config = take();
            } else if (a == "--open") {
                opts.open_params = take();
            } else if (a == "--fields") {
                opts.fields = take();
            } else if (a == "--output-fields") {
                opts.output_fields = take();
            } else if (a == "--output-every") {
                opts.output_every = parse_count(a, take(), 1);
            } else if (a == "--extractor") {
                opts.extractors.emplace_back();
                opts.extractors.back().path = take();
            } else if (a == "--extractor-config") {
                if (opts.extractors.empty()) usage_error("--extractor-config must follow an --extractor");
                opts.extractors.back().config = take();
            } else if (a == "--set-config") {
                set_config_plugin = opts.extractors.size();  // the plugin given just before
                plugin_spec(set_config_plugin).set_configs.push_back({take(), 0});
                have_set_config = true;
            } else if (a == "--set-config-at") {
                if (!have_set_config) usage_error("--set-config-at must follow a --set-config");
                plugin_spec(set_config_plugin).set_configs.back().after = parse_count(a, take(), 0);
            } else if (a == "--dump-state") {
                flag();
                opts.dump_state = true;
            } else if (a == "--metrics") {
                flag();
                opts.metrics = true;
            } else if (a == "--metrics-every") {
                opts.metrics_every = parse_count(a, take(), 1);
                opts.metrics = true;
            } else if (a == "--metrics-poll") {
                const uint64_t ms = parse_count(a, take(), 1);
                if (ms > 60000) usage_error("--metrics-poll is limited to 60000 ms");
                opts.metrics_poll_ms = static_cast<unsigned>(ms);
            } else if (a == "--max-events") {
                opts.max_events = parse_count(a, take(), 1);
            } else if (a == "--parallel") {
                opts.parallel = static_cast<unsigned>(parse_count(a, take(), 1));
                if (opts.parallel > 1024) usage_error("--parallel is limited to 1024");
            } else if (a == "--captures") {
                opts.captures = parse_count(a, take(), 1);
            } else if (a == "--cycles") {
                opts.cycles = parse_count(a, take(), 1);
            } else if (a == "--threads") {
                try {
                    opts.threads = fph::parse_threads_seed(take());
                } catch (const fph::HostError& e) {
                    usage_error(std::string("--threads: ") + e.what());
                }
            } else if (a == "--dump-table") {
                opts.dump_tables.push_back(take());
                if (opts.dump_tables.back().empty()) usage_error("--dump-table expects a table name");
            } else if (a == "--json") {
                flag();
                opts.json = true;
            } else if (a == "--stats") {
                flag();
                opts.stats = true;
            } else if (a == "--quiet") {
                flag();
                opts.quiet = true;
            } else if (a == "--progress") {
                flag();
                opts.progress = true;
            } else if (a == "--list-open-params") {
                flag();
                opts.list_open_params = true;
            } else if (a == "--print-offsets") {
                flag();
                opts.print_offsets = true;
            } else if (a == "--no-offsets") {
                flag();
                opts.offsets = false;
            } else if (a.rfind("--", 0) == 0) {
                usage_error("unknown option '" + a + "'");
            } else if (!have_source) {
                opts.source.path = a;
                have_source = true;
            } else {
                usage_error("unexpected argument '" + a + "'");
            }
        }
        if (!have_source) usage_error("run expects a plugin library path");
        return fph::run_command(opts, t0);
    } catch (const fph::HostError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: unexpected failure: %s\n", e.what());
        return 1;
    }
}
