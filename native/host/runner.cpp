#include "runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "field_request.hpp"
#include "json_text.hpp"
#include "plugin_library.hpp"
#include "plugin_state.hpp"

namespace fph {

namespace {

// libsinsp passes the raw EPF_IS_LIST flag bit (1 << 6) as flist.
constexpr ss_plugin_bool kListFlag = 1u << 6;

volatile std::sig_atomic_t g_stop = 0;

struct Totals {
    uint64_t events = 0;
    uint64_t batches = 0;
    uint64_t extract_calls = 0;
    uint64_t extract_ns = 0;
    uint64_t loop_ns = 0;
    uint64_t errors = 0;
};

// Everything shared by the worker threads.
struct Shared {
    const RunOptions& opts;
    Clock::time_point t0;
    const PluginLibrary* source = nullptr;
    std::vector<const PluginLibrary*> plugins;  // [0] = source, then extractors
    std::vector<std::string> configs;           // validated, per plugin
    std::vector<FieldPlan> plans;
    std::string source_name;

    std::mutex out_mutex;
    std::mutex totals_mutex;
    Totals totals;
    std::atomic<uint64_t> first_event_ns{UINT64_MAX};
    std::atomic<bool> failed{false};

    explicit Shared(const RunOptions& o) : opts(o) {}

    void write_out(std::string& buf) {
        if (buf.empty()) return;
        std::lock_guard<std::mutex> lock(out_mutex);
        std::fwrite(buf.data(), 1, buf.size(), stdout);
        buf.clear();
    }
};

void write_err(const std::string& line) {
    std::string s = line;
    s.push_back('\n');
    std::fwrite(s.data(), 1, s.size(), stderr);
}

// One field bound to the plugin state that extracts it.
struct BoundField {
    const FieldPlan* plan = nullptr;
    PluginState* st = nullptr;
    plugin_extract_fields_fn extract = nullptr;
    ss_plugin_extract_field tmpl{};  // request, copied fresh for every call
    ss_plugin_extract_field ef{};
    ss_plugin_extract_value_offsets offs{};
    ss_plugin_field_extract_input in{};
    bool use_offsets = false;
};

class Worker {
public:
    Worker(Shared& sh, unsigned thread) : sh_(sh), thread_(thread) {}

    void run() {
        for (uint64_t c = 0; c < sh_.opts.cycles && !g_stop; c++) {
            cycle_ = c;
            try {
                run_cycle();
            } catch (const std::exception& e) {
                sh_.write_out(out_);
                error(e.what());
                break;
            }
            sh_.write_out(out_);
        }
        sh_.write_out(out_);
        std::lock_guard<std::mutex> lock(sh_.totals_mutex);
        sh_.totals.events += t_.events;
        sh_.totals.batches += t_.batches;
        sh_.totals.extract_calls += t_.extract_calls;
        sh_.totals.extract_ns += t_.extract_ns;
        sh_.totals.loop_ns += t_.loop_ns;
        sh_.totals.errors += t_.errors;
    }

private:
    std::string context() const {
        std::string s;
        if (sh_.opts.parallel > 1) s += "[thread " + std::to_string(thread_) + "] ";
        if (sh_.opts.cycles > 1) s += "[cycle " + std::to_string(cycle_) + "] ";
        return s;
    }

    void error(const std::string& msg) {
        sh_.failed = true;
        t_.errors++;
        {
            // keep stdout and stderr in a sensible order for a reader
            std::lock_guard<std::mutex> lock(sh_.out_mutex);
            std::fflush(stdout);
        }
        write_err("error: " + context() + msg);
    }

    void run_cycle() {
        const auto& opts = sh_.opts;
        // init every plugin (source first), then bind fields to the states
        std::vector<std::unique_ptr<PluginState>> states;
        for (size_t i = 0; i < sh_.plugins.size(); i++) {
            states.push_back(std::make_unique<PluginState>(*sh_.plugins[i], sh_.configs[i]));
        }
        std::vector<BoundField> fields(sh_.plans.size());
        for (size_t i = 0; i < fields.size(); i++) {
            auto& b = fields[i];
            const auto& plan = sh_.plans[i];
            b.plan = &plan;
            b.st = states[plan.plugin].get();
            b.extract = b.st->lib().api().extract_fields;
            b.tmpl.field_id = plan.info->id;
            b.tmpl.field = plan.info->name.c_str();
            b.tmpl.arg_key = plan.has_arg_key ? plan.arg_key.c_str() : nullptr;
            b.tmpl.arg_index = plan.arg_index;
            b.tmpl.arg_present = plan.arg_present ? 1 : 0;
            b.tmpl.ftype = plan.info->ftype;
            b.tmpl.flist = plan.info->is_list ? kListFlag : 0;
            b.use_offsets = opts.offsets && b.st->lib().supports_value_offsets();
            b.in.owner = b.st->owner().as_owner();
            b.in.get_owner_last_error = &Owner::get_owner_last_error;
            b.in.num_fields = 1;
            b.in.fields = &b.ef;
            b.in.table_reader = b.st->owner().table_reader();
            b.in.table_reader_ext = b.st->owner().table_reader_ext();
            b.in.value_offsets = b.use_offsets ? &b.offs : nullptr;
        }

        PluginState& src = *states[0];
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
                process_event(src, fields, evt, evtnum);
                if (out_.size() >= (1u << 16)) flush(false);
                if (opts.max_events != 0 && evtnum >= opts.max_events) break;
            }
        } catch (...) {
            account_loop(loop_start, inst);
            throw;
        }
        account_loop(loop_start, inst);
        // inst closes, then the states are destroyed (extractors, then source)
    }

    void account_loop(Clock::time_point loop_start, const SourceInstance& inst) {
        if (sh_.opts.stats) t_.loop_ns += elapsed_ns(loop_start, Clock::now());
        t_.batches += inst.batches();
    }

    void flush(bool force_stdio) {
        if (sh_.opts.quiet) return;
        sh_.write_out(out_);
        if (force_stdio) {
            std::lock_guard<std::mutex> lock(sh_.out_mutex);
            std::fflush(stdout);
        }
    }

    void report_open_params(PluginState& st) {
        const auto list = st.lib().api().list_open_params;
        if (list == nullptr) {
            write_err("open params: (plugin_list_open_params not exported)");
            return;
        }
        ss_plugin_rc rc = SS_PLUGIN_FAILURE;
        const char* json = list(st.state(), &rc);
        if (rc != SS_PLUGIN_SUCCESS) {
            error("list_open_params failed: " + st.last_error());
            return;
        }
        write_err(std::string("open params: ") + (json != nullptr ? json : ""));
    }

    void report_progress(SourceInstance& inst) {
        if (!sh_.opts.progress) return;
        uint32_t pct = 0;
        std::string text;
        if (!inst.progress(pct, text)) return;
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%u.%02u%%", pct / 100, pct % 100);
        write_err("progress: " + context() + buf + (text.empty() ? "" : " " + text));
    }

    void process_event(PluginState& src, std::vector<BoundField>& fields, ss_plugin_event* evt,
                       uint64_t evtnum) {
        const auto& opts = sh_.opts;
        ss_plugin_event_input ev{};
        ev.evt = evt;
        ev.evtnum = evtnum;
        ev.evtsrc = sh_.source_name.c_str();
        uint16_t type = 0;
        uint32_t evt_len = 0;
        std::memcpy(&type, reinterpret_cast<const uint8_t*>(evt) + offsetof(ss_plugin_event, type),
                    sizeof(type));
        std::memcpy(&evt_len,
                    reinterpret_cast<const uint8_t*>(evt) + offsetof(ss_plugin_event, len),
                    sizeof(evt_len));

        std::string* out = opts.quiet ? nullptr : &out_;
        if (out != nullptr) {
            uint64_t ts = 0;
            std::memcpy(&ts, evt, sizeof(ts));
            info_.clear();
            const bool has_info = plugininfo(src, ev, type, evt_len, info_);
            if (opts.json) {
                *out += "{\"evt.num\":";
                append_u64(*out, evtnum);
                *out += ",\"evt.ts\":";
                append_u64(*out, ts);
                *out += ",\"evt.plugininfo\":";
                if (has_info) {
                    append_json_string(*out, info_);
                } else {
                    *out += "null";
                }
                if (opts.parallel > 1) {
                    *out += ",\"thread\":";
                    append_u64(*out, thread_);
                }
                if (opts.cycles > 1) {
                    *out += ",\"cycle\":";
                    append_u64(*out, cycle_);
                }
            } else {
                if (opts.parallel > 1) {
                    *out += "thread=";
                    append_u64(*out, thread_);
                    *out += ' ';
                }
                if (opts.cycles > 1) {
                    *out += "cycle=";
                    append_u64(*out, cycle_);
                    *out += ' ';
                }
                *out += "evt.num=";
                append_u64(*out, evtnum);
                *out += " evt.ts=";
                append_u64(*out, ts);
                *out += " evt.plugininfo=";
                if (has_info) {
                    append_text(*out, info_);
                } else {
                    *out += "<NA>";
                }
            }
        }

        const bool output_event = evtnum % opts.output_every == 0;
        for (auto& b : fields) {
            if (b.plan->output && !output_event) continue;
            if (out != nullptr) {
                if (opts.json) {
                    *out += ',';
                    append_json_string(*out, b.plan->text);
                    *out += ':';
                } else {
                    *out += ' ';
                    *out += b.plan->text;
                    *out += '=';
                }
            }
            // events of types the plugin does not extract from have no value
            if (!b.st->extracts_event_type(type)) {
                if (out != nullptr) *out += opts.json ? "null" : "<NA>";
                continue;
            }
            b.ef = b.tmpl;
            b.offs.start = nullptr;
            b.offs.length = nullptr;
            ss_plugin_rc rc;
            if (opts.stats) {
                const auto t1 = Clock::now();
                rc = b.extract(b.st->state(), &ev, &b.in);
                t_.extract_ns += elapsed_ns(t1, Clock::now());
            } else {
                rc = b.extract(b.st->state(), &ev, &b.in);
            }
            t_.extract_calls++;
            if (rc != SS_PLUGIN_SUCCESS) {
                error("extract_fields failed for field '" + b.plan->text + "' on event " +
                      std::to_string(evtnum) + " (plugin " + b.st->lib().name() +
                      (rc == SS_PLUGIN_FAILURE ? std::string()
                                               : ", rc " + std::to_string(static_cast<int>(rc))) +
                      "): " + b.st->last_error());
                if (out != nullptr) *out += opts.json ? "null" : "<NA>";
                continue;
            }
            std::string err;
            const size_t mark = out != nullptr ? out->size() : 0;
            if (!emit_value(b, evt_len, out, err)) {
                if (out != nullptr) {
                    out->resize(mark);
                    *out += opts.json ? "null" : "<NA>";
                }
                error("field '" + b.plan->text + "' on event " + std::to_string(evtnum) +
                      " (plugin " + b.st->lib().name() + "): " + err);
            } else if (out != nullptr && opts.json && opts.print_offsets) {
                emit_offsets(b, *out);
            }
        }
        if (out != nullptr) {
            if (opts.json) *out += '}';
            *out += '\n';
        }
    }

    // --print-offsets: "<field>@offsets":[[start,length],...] after the value, when the plugin set them.
    static void emit_offsets(const BoundField& b, std::string& out) {
        if (!b.use_offsets || b.offs.start == nullptr || b.offs.length == nullptr || b.ef.res_len == 0) return;
        out += ',';
        append_json_string(out, b.plan->text + "@offsets");
        out += ":[";
        for (uint64_t i = 0; i < b.ef.res_len; i++) {
            if (i > 0) out += ',';
            out += '[';
            append_u64(out, b.offs.start[i]);
            out += ',';
            append_u64(out, b.offs.length[i]);
            out += ']';
        }
        out += ']';
    }

    // evt.plugininfo: event_to_string of the source plugin for its own plugin
    // events, with libsinsp's fallback when it returns nothing.
    bool plugininfo(PluginState& src, const ss_plugin_event_input& ev, uint16_t type,
                    uint32_t evt_len, std::string& text) {
        if (type != FALCO_PLUGIN_EVENT_TYPE_PLUGIN) return false;
        const auto* raw = reinterpret_cast<const uint8_t*>(ev.evt);
        uint32_t id = 0;
        std::memcpy(&id, raw + FALCO_PLUGIN_EVENT_HEADER_SIZE + 8, 4);
        if (id != src.lib().id()) return false;
        const auto& api = src.lib().api();
        if (src.state() != nullptr && api.event_to_string != nullptr) {
            const char* s = api.event_to_string(src.state(), &ev);
            if (s != nullptr) text = s;
        }
        if (text.empty()) {
            const uint32_t data_len = evt_len - PLUGIN_EVENT_PAYLOAD_OFFSET;
            const auto* data = raw + PLUGIN_EVENT_PAYLOAD_OFFSET;
            const uint32_t shown = data_len < 50 ? data_len : 50;
            text = "datalen=" + std::to_string(data_len) + " data=";
            for (uint32_t i = 0; i < shown; i++) {
                if (!std::isprint(data[i])) {
                    text += "<binary>";
                    return true;
                }
            }
            text.append(reinterpret_cast<const char*>(data), shown);
            if (data_len > 50) text += "...";
        }
        return true;
    }

    // Validates the extraction result and, if out is set, appends it.
    bool emit_value(const BoundField& b, uint32_t evt_len, std::string* out, std::string& err) {
        const auto& ef = b.ef;
        const bool json = sh_.opts.json;
        const bool list = b.plan->info->is_list;
        if (ef.res_len == 0) {
            // no value, lists included (libsinsp's extraction fails then)
            if (out != nullptr) *out += json ? "null" : "<NA>";
            return true;
        }
        if (!list && ef.res_len > 1) {
            err = "plugin returned " + std::to_string(ef.res_len) + " values for a non-list field";
            return false;
        }
        if (ef.res.u64 == nullptr) {
            err = "plugin returned res_len " + std::to_string(ef.res_len) +
                  " with a NULL result array";
            return false;
        }
        if (b.use_offsets && b.offs.start != nullptr && b.offs.length != nullptr) {
            for (uint64_t i = 0; i < ef.res_len; i++) {
                const uint64_t s = b.offs.start[i];
                const uint64_t l = b.offs.length[i];
                if (!(s == 0 && l == 0) && s + l > evt_len) {
                    err = "value offset {" + std::to_string(s) + ", " + std::to_string(l) +
                          "} is outside the event (len " + std::to_string(evt_len) + ")";
                    return false;
                }
            }
        }
        if (out != nullptr && list) *out += json ? '[' : '(';
        for (uint64_t i = 0; i < ef.res_len; i++) {
            if (out != nullptr && i > 0) *out += ',';
            switch (ef.ftype) {
            case FTYPE_UINT64:
            case FTYPE_RELTIME:
            case FTYPE_ABSTIME:
                if (out != nullptr) append_u64(*out, ef.res.u64[i]);
                break;
            case FTYPE_BOOL:
                if (out != nullptr) *out += ef.res.boolean[i] != 0 ? "true" : "false";
                break;
            case FTYPE_STRING: {
                const char* s = ef.res.str[i];
                if (s == nullptr) {
                    err = "plugin returned a NULL string";
                    return false;
                }
                const size_t n = std::strlen(s);  // as libsinsp does
                if (out != nullptr) {
                    if (json) {
                        append_json_string(*out, std::string_view(s, n));
                    } else {
                        append_text(*out, std::string_view(s, n));
                    }
                }
                break;
            }
            case FTYPE_IPADDR:
            case FTYPE_IPNET: {
                const auto& buf = ef.res.buf[i];
                if (buf.ptr == nullptr) {
                    err = "plugin returned a NULL address buffer";
                    return false;
                }
                if (out != nullptr) {
                    std::string text;
                    const bool ok = ef.ftype == FTYPE_IPADDR ? format_ip(text, buf.ptr, buf.len)
                                                             : format_ipnet(text, buf.ptr, buf.len);
                    if (!ok) {
                        err = "address of incorrect size " + std::to_string(buf.len);
                        return false;
                    }
                    if (json) {
                        append_json_string(*out, text);
                    } else {
                        *out += text;
                    }
                } else if (!(buf.len == 4 || buf.len == 16 ||
                             (ef.ftype == FTYPE_IPNET && (buf.len == 8 || buf.len == 32)))) {
                    err = "address of incorrect size " + std::to_string(buf.len);
                    return false;
                }
                break;
            }
            default:
                err = "unsupported field type " + std::to_string(ef.ftype);
                return false;
            }
        }
        if (out != nullptr && list) *out += json ? ']' : ')';
        return true;
    }

    Shared& sh_;
    unsigned thread_;
    uint64_t cycle_ = 0;
    bool first_event_seen_ = false;
    Totals t_;
    std::string out_;
    std::string info_;
};

void on_signal(int) { g_stop = 1; }

// Apparent duration of an empty timed interval (two back-to-back clock
// reads), median of many samples: what every timed extract call adds to
// extractNs on top of the call itself.
uint64_t timer_overhead_ns() {
    std::vector<uint64_t> samples(2001);
    for (auto& s : samples) {
        const auto a = Clock::now();
        const auto b = Clock::now();
        s = elapsed_ns(a, b);
    }
    std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
    return samples[samples.size() / 2];
}

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
        if (!lib->has(CAP_EXTRACTION)) {
            throw HostError("plugin " + lib->name() +
                            " has no field extraction capability: cannot use it as --extractor");
        }
        sh.plugins.push_back(lib);
    }
    sh.source_name = sh.source->produced_source();

    // configs, validated once like libsinsp does before each init
    sh.configs.push_back(sh.source->prepare_config(opts.source.config));
    for (size_t i = 0; i < opts.extractors.size(); i++) {
        sh.configs.push_back(sh.plugins[i + 1]->prepare_config(opts.extractors[i].config));
    }

    if (!opts.fields.empty()) {
        sh.plans = plan_fields(split_field_list(opts.fields), sh.plugins, sh.source_name);
    }
    if (!opts.output_fields.empty()) {
        for (auto& plan : plan_fields(split_field_list(opts.output_fields), sh.plugins, sh.source_name)) {
            plan.output = true;
            sh.plans.push_back(std::move(plan));
        }
    }

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
        struct rusage ru {};
        getrusage(RUSAGE_SELF, &ru);
        const auto& t = sh.totals;
        std::string line = "{\"events\":";
        append_u64(line, t.events);
        line += ",\"batches\":";
        append_u64(line, t.batches);
        line += ",\"wallNs\":";
        append_u64(line, wall);
        line += ",\"loopNs\":";
        append_u64(line, t.loop_ns);
        line += ",\"extractCalls\":";
        append_u64(line, t.extract_calls);
        line += ",\"extractNs\":";
        append_u64(line, t.extract_ns);
        line += ",\"timerOverheadNs\":";
        append_u64(line, timer_overhead_ns());
        line += ",\"firstEventNs\":";
        const uint64_t first = sh.first_event_ns.load();
        if (first == UINT64_MAX) {
            line += "null";
        } else {
            append_u64(line, first);
        }
        line += ",\"maxRssKb\":";
        append_u64(line, static_cast<uint64_t>(ru.ru_maxrss));
        line += ",\"threads\":";
        append_u64(line, opts.parallel);
        line += ",\"cycles\":";
        append_u64(line, opts.cycles);
        line += ",\"errors\":";
        append_u64(line, t.errors);
        line += "}";
        write_err(line);
    }
    return sh.failed ? 1 : 0;
}

}  // namespace fph
