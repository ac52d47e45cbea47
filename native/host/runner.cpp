#include "runner.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "config_driver.hpp"
#include "event_schema.hpp"
#include "extraction_driver.hpp"
#include "parsing_driver.hpp"
#include "field_request.hpp"
#include "json_text.hpp"
#include "listening_driver.hpp"
#include "async_driver.hpp"
#include "metrics_driver.hpp"
#include "plugin_library.hpp"
#include "plugin_state.hpp"
#include "reporting.hpp"
#include "run_stats.hpp"
#include "sourcing_driver.hpp"
#include "table_dump.hpp"
#include "table_registry.hpp"
#include "thread_pool.hpp"
#include "threads_table.hpp"

namespace fph {

namespace {

volatile std::sig_atomic_t g_stop = 0;

// Everything shared by the worker threads.
struct Shared {
    const RunOptions& opts;
    Clock::time_point t0;
    const PluginLibrary* source = nullptr;
    std::vector<const PluginLibrary*> plugins;  // [0] = source, then extractors
    std::vector<std::string> configs;           // validated, per plugin
    std::vector<ConfigUpdate> config_updates;   // --set-config, by the event they follow
    std::vector<FieldPlan> plans;
    std::string source_name;
    ExtractionOptions extraction;

    SharedStdout out;
    std::mutex totals_mutex;
    RunTotals totals;
    std::atomic<uint64_t> first_event_ns{UINT64_MAX};
    std::atomic<bool> failed{false};

    explicit Shared(const RunOptions& o) : opts(o) {}
};

// The drivers of one sequence of plugin states, besides sourcing.
struct Drivers {
    ParsingDriver& parsing;
    ExtractionDriver& extraction;
    ConfigDriver& config;
    MetricsDriver& metrics;
    ListeningDriver& listening;
    AsyncDriver& async;
};

// One thread of the run: its cycles of init -> capture_open -> open -> event
// loop -> close -> capture_close -> destroy, the drivers composed per event.
class Worker {
public:
    Worker(Shared& sh, unsigned thread)
        : sh_(sh), thread_(thread),
          errors_(sh.out, sh.failed, thread, sh.opts.parallel > 1, sh.opts.cycles > 1),
          pool_(kRoutineThreads) {}

    void run() {
        for (uint64_t c = 0; c < sh_.opts.cycles && !g_stop; c++) {
            cycle_ = c;
            errors_.set_cycle(c);
            try {
                run_cycle();
            } catch (const std::exception& e) {
                sh_.out.write(out_);
                errors_.report(e.what());
                break;
            }
            sh_.out.write(out_);
        }
        sh_.out.write(out_);
        std::lock_guard<std::mutex> lock(sh_.totals_mutex);
        sh_.totals.events += t_.events;
        sh_.totals.batches += t_.batches;
        sh_.totals.extraction += t_.extraction;
        sh_.totals.loop_ns += t_.loop_ns;
        sh_.totals.errors += errors_.count();
        sh_.totals.table_entries_leaked += t_.table_entries_leaked;
        sh_.totals.routine_runs += pool_.runs();  // every routine has stopped by now
    }

private:
    // One cycle: the cycle's tables (the host's threads table, and those the
    // plugins add), the plugin states, the capture, the --dump-table lines;
    // then the states are destroyed (in load order), then the tables.
    void run_cycle() {
        TableRegistry registry;
        registry.add_host_table(make_threads_table(sh_.opts.threads));
        try {
            run_states(registry);
        } catch (...) {
            t_.table_entries_leaked += registry.entries_leaked();
            throw;
        }
        t_.table_entries_leaked += registry.entries_leaked();
    }

    void run_states(TableRegistry& registry) {
        // init every plugin (source first), the drivers attached to each
        // state right after its init
        std::vector<std::unique_ptr<PluginState>> states;
        ParsingDriver parsing(errors_, sh_.source_name);
        ExtractionDriver extraction(sh_.plans, sh_.extraction, errors_);
        ConfigDriver config(sh_.config_updates, errors_);
        MetricsDriver metrics(errors_);
        for (size_t i = 0; i < sh_.plugins.size(); i++) {
            states.push_back(std::make_unique<PluginState>(*sh_.plugins[i], sh_.configs[i], registry));
            parsing.attach(*states.back());
            extraction.attach(i, *states.back());
            config.attach(i, *states.back());
            metrics.attach(*states.back());
        }
        // all initialised: the event schema check, then the updates due before the capture
        for (const auto& st : states) check_event_schema_version(*st);
        config.after_event(0);
        // after the states: its end (capture_close if still open, the routines
        // stopped) comes before they are destroyed
        ListeningDriver listening(pool_, errors_);
        for (const auto& st : states) listening.attach(*st);
        AsyncDriver async(errors_);
        for (const auto& st : states) async.attach(*st);
        Drivers drivers{parsing, extraction, config, metrics, listening, async};
        for (uint64_t k = 0; k < sh_.opts.captures && !g_stop; k++) {
            capture(*states[0], drivers);
            if (sh_.opts.metrics) report_metrics(metrics);
        }
        dump_tables(registry);
    }

    // capture_open -> the source's capture -> capture_close.
    void capture(PluginState& src, Drivers& d) {
        d.listening.open();
        d.async.open();
        {
            MetricsPoller poller(d.metrics, sh_.opts.metrics_poll_ms, errors_.context());
            capture_source(src, d);
        }
        if (sh_.opts.dump_state) d.async.dump();
        d.async.close();
        print_async(d.async);
        d.listening.close();
    }

    // open -> event loop -> close of the source state.
    void capture_source(PluginState& src, Drivers& d) {
        const auto& opts = sh_.opts;
        if (opts.list_open_params) report_open_params(src);
        SourceInstance inst(src, opts.open_params);
        const auto loop_start = opts.stats ? Clock::now() : Clock::time_point();
        uint64_t evtnum = 0;
        uint64_t last_batches = 0;
        try {
            while (!g_stop) {
                ss_plugin_event* evt = nullptr;
                const auto r = inst.next(evt);
                if (r == SourceInstance::Next::Timeout) {
                    print_async(d.async);
                    flush(true);
                    report_progress(inst);
                    continue;
                }
                if (r == SourceInstance::Next::Eof) {
                    report_progress(inst);
                    break;
                }
                if (opts.stats && !first_event_seen_) {
                    first_event_seen_ = true;
                    const uint64_t ns = elapsed_ns(sh_.t0, Clock::now());
                    uint64_t cur = sh_.first_event_ns.load();
                    while (ns < cur && !sh_.first_event_ns.compare_exchange_weak(cur, ns)) {
                    }
                }
                if (inst.batches() != last_batches) {
                    // first event of a new batch: push out the previous batch's lines
                    report_progress(inst);
                    last_batches = inst.batches();
                    flush(false);
                }
                evtnum++;
                t_.events++;
                process_event(inst, d.parsing, d.extraction,
                              DeliveredEvent(evt, evtnum, sh_.source_name.c_str()));
                print_async(d.async);
                d.config.after_event(evtnum);
                if (opts.metrics_every != 0 && evtnum % opts.metrics_every == 0) report_metrics(d.metrics);
                if (out_.size() >= (1u << 16)) flush(false);
                if (opts.max_events != 0 && evtnum >= opts.max_events) break;
            }
        } catch (...) {
            account_loop(loop_start, inst, d.extraction);
            throw;
        }
        account_loop(loop_start, inst, d.extraction);
        // inst closes here
    }

    // --metrics: each metric's line on stderr, after the event lines so far.
    void report_metrics(MetricsDriver& metrics) {
        const std::vector<std::string> lines = metrics.collect();
        if (lines.empty()) return;
        sh_.out.write(out_);
        sh_.out.flush();
        std::string text;
        for (const auto& line : lines) text += "metric " + errors_.context() + line + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);  // one write: no interleaving with other threads
    }

    // --dump-table: each table's line on stderr, after the event lines so far.
    void dump_tables(TableRegistry& registry) {
        if (sh_.opts.dump_tables.empty()) return;
        sh_.out.write(out_);
        sh_.out.flush();
        TableDumper dumper(registry);
        for (const auto& name : sh_.opts.dump_tables) {
            std::string line;
            std::vector<std::string> problems;
            if (dumper.dump(name, line, problems)) write_err(line);
            for (const auto& p : problems) errors_.report("--dump-table " + name + ": " + p);
        }
    }

    void account_loop(Clock::time_point loop_start, const SourceInstance& inst,
                      const ExtractionDriver& extraction) {
        if (sh_.opts.stats) t_.loop_ns += elapsed_ns(loop_start, Clock::now());
        t_.batches += inst.batches();
        t_.extraction += extraction.counts();
    }

    void flush(bool force_stdio) {
        if (sh_.opts.quiet) return;
        sh_.out.write(out_);
        if (force_stdio) sh_.out.flush();
    }

    // The async events taken so far, each as a line among the events':
    // {"async":name,"plugin":p,"data":text[,"dump":true]} with --json, else
    // "async plugin=p name=n data=text[ dump]".
    void print_async(AsyncDriver& async) {
        for (const AsyncEvent& e : async.take()) {
            if (sh_.opts.quiet) continue;
            if (sh_.opts.json) {
                out_ += "{\"async\":";
                append_json_string(out_, e.name);
                out_ += ",\"plugin\":";
                append_json_string(out_, e.plugin);
                out_ += ",\"data\":";
                append_json_string(out_, e.data);
                if (e.dump) out_ += ",\"dump\":true";
                out_ += "}\n";
            } else {
                out_ += "async plugin=" + e.plugin + " name=" + e.name + " data=";
                append_text(out_, e.data);
                out_ += e.dump ? " dump\n" : "\n";
            }
        }
    }

    void report_open_params(const PluginState& st) {
        std::string json;
        switch (list_open_params(st, json)) {
        case OpenParamsList::NotExported:
            write_err("open params: (plugin_list_open_params not exported)");
            return;
        case OpenParamsList::Failed:
            errors_.report("list_open_params failed: " + st.last_error());
            return;
        case OpenParamsList::Listed:
            write_err("open params: " + json);
            return;
        }
    }

    void report_progress(SourceInstance& inst) {
        if (!sh_.opts.progress) return;
        uint32_t pct = 0;
        std::string text;
        if (!inst.progress(pct, text)) return;
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%u.%02u%%", pct / 100, pct % 100);
        write_err("progress: " + errors_.context() + buf + (text.empty() ? "" : " " + text));
    }

    // One event: parsed by every parser that takes it, then its line (unless
    // --quiet) with the values of the fields.
    void process_event(const SourceInstance& inst, ParsingDriver& parsing, ExtractionDriver& extraction,
                       const DeliveredEvent& event) {
        parsing.parse(event);
        std::string* out = sh_.opts.quiet ? nullptr : &out_;
        if (out != nullptr) append_line_start(inst, event, *out);
        extraction.extract(event, out);
        if (out != nullptr) {
            if (sh_.opts.json) *out += '}';
            *out += '\n';
        }
    }

    // evt.num, evt.ts, evt.plugininfo and the thread/cycle tags.
    void append_line_start(const SourceInstance& inst, const DeliveredEvent& event, std::string& out) {
        const auto& opts = sh_.opts;
        const uint64_t ts = event.ts();
        info_.clear();
        const bool has_info = inst.event_info(event, info_);
        if (opts.json) {
            out += "{\"evt.num\":";
            append_u64(out, event.evtnum());
            out += ",\"evt.ts\":";
            append_u64(out, ts);
            out += ",\"evt.plugininfo\":";
            if (has_info) {
                append_json_string(out, info_);
            } else {
                out += "null";
            }
            if (opts.parallel > 1) {
                out += ",\"thread\":";
                append_u64(out, thread_);
            }
            if (opts.cycles > 1) {
                out += ",\"cycle\":";
                append_u64(out, cycle_);
            }
        } else {
            if (opts.parallel > 1) {
                out += "thread=";
                append_u64(out, thread_);
                out += ' ';
            }
            if (opts.cycles > 1) {
                out += "cycle=";
                append_u64(out, cycle_);
                out += ' ';
            }
            out += "evt.num=";
            append_u64(out, event.evtnum());
            out += " evt.ts=";
            append_u64(out, ts);
            out += " evt.plugininfo=";
            if (has_info) {
                append_text(out, info_);
            } else {
                out += "<NA>";
            }
        }
    }

    Shared& sh_;
    unsigned thread_;
    uint64_t cycle_ = 0;
    ErrorReporter errors_;
    ThreadPool pool_;  // the routines of this thread's plugin states (started on first use)
    bool first_event_seen_ = false;
    RunTotals t_;
    std::string out_;
    std::string info_;
};

void on_signal(int) { g_stop = 1; }

}  // namespace

void request_stop() { g_stop = 1; }

int run_command(const RunOptions& opts, Clock::time_point t0) {
    Shared sh(opts);
    sh.t0 = t0;

    // load: source first, then extractors (libsinsp rejects duplicate names)
    std::vector<std::unique_ptr<PluginLibrary>> libs;
    auto load = [&libs](const std::string& path) -> const PluginLibrary* {
        try {
            libs.push_back(PluginLibrary::load(path));
        } catch (const HostError& e) {
            throw HostError("cannot load plugin '" + path + "': " + e.what());
        }
        for (size_t i = 0; i + 1 < libs.size(); i++) {
            if (libs[i]->name() == libs.back()->name()) {
                throw HostError("found another plugin with name " + libs.back()->name() +
                                ": cannot load '" + path + "'");
            }
        }
        return libs.back().get();
    };
    sh.source = load(opts.source.path);
    if (!sh.source->has(CAP_SOURCING)) {
        throw HostError("plugin " + sh.source->name() +
                        " has no event sourcing capability: `run` needs a source plugin");
    }
    sh.plugins.push_back(sh.source);
    for (const auto& e : opts.extractors) {
        const auto* lib = load(e.path);
        if (!lib->has(CAP_EXTRACTION) && !lib->has(CAP_PARSING) && !lib->has(CAP_CAPTURE_LISTENING) &&
            !lib->has(CAP_ASYNC)) {
            throw HostError("plugin " + lib->name() +
                            " has no field extraction, event parsing, capture listening or async events: cannot "
                            "use it as --extractor");
        }
        sh.plugins.push_back(lib);
    }
    sh.source_name = sh.source->produced_source();

    // configs, validated once like libsinsp does before each init
    sh.configs.push_back(sh.source->prepare_config(opts.source.config));
    for (size_t i = 0; i < opts.extractors.size(); i++) {
        sh.configs.push_back(sh.plugins[i + 1]->prepare_config(opts.extractors[i].config));
    }
    // --set-config: validated once too, a failure reported whenever it is due
    for (size_t i = 0; i < sh.plugins.size(); i++) {
        const PluginSpec& spec = i == 0 ? opts.source : opts.extractors[i - 1];
        for (const auto& u : spec.set_configs) {
            sh.config_updates.push_back(prepare_config_update(*sh.plugins[i], i, u.after, u.config));
        }
    }
    std::stable_sort(sh.config_updates.begin(), sh.config_updates.end(),
                     [](const ConfigUpdate& a, const ConfigUpdate& b) { return a.after < b.after; });

    if (!opts.fields.empty()) {
        sh.plans = plan_fields(split_field_list(opts.fields), sh.plugins, sh.source_name);
    }
    if (!opts.output_fields.empty()) {
        for (auto& plan : plan_fields(split_field_list(opts.output_fields), sh.plugins, sh.source_name)) {
            plan.output = true;
            sh.plans.push_back(std::move(plan));
        }
    }
    sh.extraction.json = opts.json;
    sh.extraction.print_offsets = opts.print_offsets;
    sh.extraction.offsets = opts.offsets;
    sh.extraction.timed = opts.stats;
    sh.extraction.output_every = opts.output_every;

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;  // a second signal terminates (plugin stuck in a call)
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    if (opts.parallel <= 1) {
        Worker w(sh, 0);
        w.run();
    } else {
        std::vector<std::unique_ptr<Worker>> workers;
        std::vector<std::thread> threads;
        for (unsigned k = 0; k < opts.parallel; k++) {
            workers.push_back(std::make_unique<Worker>(sh, k));
        }
        for (unsigned k = 0; k < opts.parallel; k++) {
            threads.emplace_back([&workers, k] { workers[k]->run(); });
        }
        for (auto& t : threads) t.join();
    }
    std::fflush(stdout);

    if (opts.stats) {
        const uint64_t wall = elapsed_ns(t0, Clock::now());
        write_err(stats_line(sh.totals, wall, sh.first_event_ns.load(), opts.parallel, opts.cycles));
    }
    return sh.failed ? 1 : 0;
}

}  // namespace fph
