// The host's built-in `threads` table, shaped like libsinsp's: key int64
// (tid), libsinsp's static thread fields with their names and types, and the
// read-only sub-table field `file_descriptors` (key int64 fd, libsinsp's
// scalar fd fields).
#pragma once

#include <memory>

#include "host_table.hpp"
#include "threads_seed.hpp"

namespace fph {

constexpr const char* kThreadsTable = "threads";
constexpr const char* kFdsField = "file_descriptors";

// A fresh schema of the threads table (its fd sub-table's schema included).
std::shared_ptr<Schema> make_threads_schema();

// A threads table holding the seeded threads and their fds.
std::shared_ptr<HostTable> make_threads_table(const ThreadsSeed& seed);

}  // namespace fph
