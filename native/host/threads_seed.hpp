// --threads: the JSON that seeds the host's threads table, e.g.
//   [{"tid":1,"pid":1,"comm":"init","exe":"/sbin/init","fds":[{"fd":3,"name":"/etc/passwd"}]}]
// An array of threads, each an object of static fields of the threads table
// ("tid" required: the key) and optionally "fds", an array of objects of the
// fd table's fields ("fd" required: the key).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "falco_plugin_api.h"

namespace fph {

struct SeedValue {
    std::string field;
    ss_plugin_state_data data{};  // integers and bool
    std::string str;              // string
};

struct SeedEntry {
    int64_t key = 0;
    std::vector<SeedValue> values;
    std::vector<SeedEntry> fds;
};

using ThreadsSeed = std::vector<SeedEntry>;

// Parses and checks the JSON strictly (known fields, their types and ranges,
// no duplicate keys). Throws HostError saying what is wrong.
ThreadsSeed parse_threads_seed(const std::string& json);

}  // namespace fph
