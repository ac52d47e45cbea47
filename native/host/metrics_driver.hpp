// The host's driver of plugin metrics (get_metrics, API 3.6): the metrics of
// every loaded plugin exporting plugin_get_metrics, renamed
// "<plugin name>.<metric name>" as libsinsp publishes them, one text line per
// metric.
#pragma once

#include <string>
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

private:
    void collect(const PluginState& st, std::vector<std::string>& lines);

    ErrorReporter& errors_;
    std::vector<const PluginState*> states_;
};

}  // namespace fph
