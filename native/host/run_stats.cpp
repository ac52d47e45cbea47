#include "run_stats.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <vector>

#include "common.hpp"
#include "json_text.hpp"

namespace fph {

namespace {

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

std::string stats_line(const RunTotals& totals, uint64_t wall_ns, uint64_t first_event_ns,
                       unsigned threads, uint64_t cycles) {
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    const auto& t = totals;
    std::string line = "{\"events\":";
    append_u64(line, t.events);
    line += ",\"batches\":";
    append_u64(line, t.batches);
    line += ",\"wallNs\":";
    append_u64(line, wall_ns);
    line += ",\"loopNs\":";
    append_u64(line, t.loop_ns);
    line += ",\"extractCalls\":";
    append_u64(line, t.extraction.calls);
    line += ",\"extractNs\":";
    append_u64(line, t.extraction.ns);
    line += ",\"timerOverheadNs\":";
    append_u64(line, timer_overhead_ns());
    line += ",\"firstEventNs\":";
    if (first_event_ns == UINT64_MAX) {
        line += "null";
    } else {
        append_u64(line, first_event_ns);
    }
    line += ",\"maxRssKb\":";
    append_u64(line, static_cast<uint64_t>(ru.ru_maxrss));
    line += ",\"threads\":";
    append_u64(line, threads);
    line += ",\"cycles\":";
    append_u64(line, cycles);
    line += ",\"errors\":";
    append_u64(line, t.errors);
    line += ",\"table_entries_leaked\":";
    append_u64(line, t.table_entries_leaked);
    line += ",\"routine_runs\":";
    append_u64(line, t.routine_runs);
    line += "}";
    return line;
}

}  // namespace fph
