// The host's driver of plugin metrics (get_metrics, API 3.6): the metrics of
// every loaded plugin exporting plugin_get_metrics, renamed
// "<plugin name>.<metric name>" as libsinsp publishes them, one text line per
// metric.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin_state.hpp"
#include "reporting.hpp"

namespace fph {

// The metrics of one sequence of plugin states (init .. destroy).
class MetricsDriver {
public:
    // The error reporter must outlive the driver.
    explicit MetricsDriver(ErrorReporter& errors) : errors_(errors) {}
    MetricsDriver(const MetricsDriver&) = delete;
    MetricsDriver& operator=(const MetricsDriver&) = delete;

    // Called right after the init of each plugin state, in load order.
    void attach(PluginState& state);

    // get_metrics of each attached plugin, in load order: one line per
    // metric, "<plugin>.<metric> <monotonic|non_monotonic> <value type>
    // <value>" (value types u32 s32 u64 s64 d f i; floating values in their
    // shortest exact form). A metric the host cannot read (no name, unknown
    // type) is reported and left out.
    std::vector<std::string> collect();

    // The same from any thread: the problems are returned in `problems`
    // rather than reported.
    std::vector<std::string> collect(std::vector<std::string>& problems) const;

    // Reports problems that collect(problems) returned (on the run's thread).
    void report(const std::vector<std::string>& problems);

private:
    static void collect(const PluginState& st, std::vector<std::string>& lines,
                        std::vector<std::string>& problems);

    ErrorReporter& errors_;
    std::vector<const PluginState*> states_;
};

// --metrics-poll: get_metrics of every attached plugin from a thread of its
// own, every `period_ms` milliseconds while the poller lives, as Falco's
// metrics thread calls it while the capture runs on another thread. Each
// poll prints on stderr the lines that differ from the previous poll's, as
// "metric-poll <context><line>". The problems are reported when it stops.
class MetricsPoller {
public:
    // Polls from now on (nothing when period_ms is 0).
    MetricsPoller(MetricsDriver& driver, unsigned period_ms, std::string context);
    // Stops the thread, then reports its problems.
    ~MetricsPoller();
    MetricsPoller(const MetricsPoller&) = delete;
    MetricsPoller& operator=(const MetricsPoller&) = delete;

private:
    void run();

    MetricsDriver& driver_;
    const unsigned period_ms_;
    const std::string context_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::vector<std::string> problems_;
    std::thread thread_;  // last: started once the members above exist
};

}  // namespace fph
