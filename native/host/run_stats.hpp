// The counters of a `run` (per worker thread, then summed) and its --stats
// line.
#pragma once

#include <cstdint>
#include <string>

#include "extraction_driver.hpp"

namespace fph {

struct RunTotals {
    uint64_t events = 0;
    uint64_t batches = 0;
    uint64_t loop_ns = 0;  // sum of the open..close loops, when timed
    ExtractionCounts extraction;
    uint64_t errors = 0;
    uint64_t table_entries_leaked = 0;  // entries plugins held after a call (released by the host)
    uint64_t routine_runs = 0;          // runs of routines on the thread pool (capture listening)
};

// The --stats JSON line (see --help), read at the end of the run: wall_ns and
// first_event_ns (UINT64_MAX: no event) are counted from before dlopen.
std::string stats_line(const RunTotals& totals, uint64_t wall_ns, uint64_t first_event_ns,
                       unsigned threads, uint64_t cycles);

}  // namespace fph
