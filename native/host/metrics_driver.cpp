#include "metrics_driver.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstring>

#include "common.hpp"

namespace fph {

namespace {

// The enums as the plugin wrote them, read as integers: a value outside an
// enum's range is not one a C++ enum object may hold.
template <typename E>
int raw_enum(const E& e) {
    static_assert(sizeof(E) == sizeof(int), "the API's enums are int-sized");
    int v = 0;
    std::memcpy(&v, &e, sizeof(v));
    return v;
}

const char* metric_type_name(int t) {
    switch (t) {
    case SS_PLUGIN_METRIC_TYPE_MONOTONIC: return "monotonic";
    case SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC: return "non_monotonic";
    default: return nullptr;
    }
}

// The member of the value union for type T (every member starts at its
// beginning), copied out rather than read through the union.
template <typename T>
void append_number(std::string& out, const char* type, const ss_plugin_metric_value& value) {
    T v{};
    std::memcpy(&v, &value, sizeof(v));
    out += type;
    out += ' ';
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);  // floating: shortest round-trip form
    out.append(buf, r.ptr);
}

// "<value type> <value>", or false for an unknown value type.
bool append_value(std::string& out, int type, const ss_plugin_metric_value& v) {
    switch (type) {
    case SS_PLUGIN_METRIC_VALUE_TYPE_U32: append_number<uint32_t>(out, "u32", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_S32: append_number<int32_t>(out, "s32", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_U64: append_number<uint64_t>(out, "u64", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_S64: append_number<int64_t>(out, "s64", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_D: append_number<double>(out, "d", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_F: append_number<float>(out, "f", v); return true;
    case SS_PLUGIN_METRIC_VALUE_TYPE_I: append_number<int>(out, "i", v); return true;
    default: return false;
    }
}

}  // namespace

void MetricsDriver::attach(PluginState& state) {
    if (state.lib().api().get_metrics != nullptr) states_.push_back(&state);
}

std::vector<std::string> MetricsDriver::collect() {
    std::vector<std::string> problems;
    std::vector<std::string> lines = collect(problems);
    report(problems);
    return lines;
}

std::vector<std::string> MetricsDriver::collect(std::vector<std::string>& problems) const {
    std::vector<std::string> lines;
    for (const PluginState* st : states_) collect(*st, lines, problems);
    return lines;
}

void MetricsDriver::report(const std::vector<std::string>& problems) {
    for (const auto& p : problems) errors_.report(p);
}

void MetricsDriver::collect(const PluginState& st, std::vector<std::string>& lines,
                            std::vector<std::string>& problems) {
    const std::string& plugin = st.lib().name();
    uint32_t n = 0;
    const ss_plugin_metric* metrics = st.lib().api().get_metrics(st.state(), &n);
    if (n == 0) return;
    if (metrics == nullptr) {
        problems.push_back("get_metrics: plugin " + plugin + " returned " + std::to_string(n) +
                       " metrics but a NULL array");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        const ss_plugin_metric& m = metrics[i];
        if (m.name == nullptr) {
            problems.push_back("get_metrics: plugin " + plugin + " returned metric " + std::to_string(i) +
                           " without a name");
            continue;
        }
        const std::string name = plugin + "." + m.name;
        const int metric_type = raw_enum(m.type);
        const char* type = metric_type_name(metric_type);
        if (type == nullptr) {
            problems.push_back("get_metrics: plugin " + plugin + " returned metric " + name +
                           " with an unknown metric type " + std::to_string(metric_type));
            continue;
        }
        std::string line = name + " " + type + " ";
        const int value_type = raw_enum(m.value_type);
        if (!append_value(line, value_type, m.value)) {
            problems.push_back("get_metrics: plugin " + plugin + " returned metric " + name +
                           " with an unknown value type " + std::to_string(value_type));
            continue;
        }
        lines.push_back(std::move(line));
    }
}

MetricsPoller::MetricsPoller(MetricsDriver& driver, unsigned period_ms, std::string context)
    : driver_(driver), period_ms_(period_ms), context_(std::move(context)) {
    if (period_ms_ != 0) thread_ = std::thread([this] { run(); });
}

MetricsPoller::~MetricsPoller() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    driver_.report(problems_);
}

void MetricsPoller::run() {
    std::vector<std::string> previous;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stop_; })) {
        lock.unlock();
        std::vector<std::string> problems;
        std::vector<std::string> lines = driver_.collect(problems);
        std::string text;
        for (const auto& line : lines) {
            if (std::find(previous.begin(), previous.end(), line) == previous.end()) {
                text += "metric-poll " + context_ + line + "\n";
            }
        }
        std::fwrite(text.data(), 1, text.size(), stderr);  // one write: no interleaving with other threads
        previous = std::move(lines);
        lock.lock();
        for (auto& p : problems) {  // each problem once, however many polls see it
            if (std::find(problems_.begin(), problems_.end(), p) == problems_.end()) problems_.push_back(std::move(p));
        }
    }
}

}  // namespace fph
