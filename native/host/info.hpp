// The `info` command: a plugin library's static information as JSON.
#pragma once

#include <string>

namespace fph {

// Loads the library (no init) and prints its information as one JSON
// document on stdout. Throws HostError if the library does not load.
int info_command(const std::string& path);

}  // namespace fph
