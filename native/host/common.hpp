// Small shared helpers of falco-plugin-host.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace fph {

// Every failure the host reports to the user travels as a HostError; main()
// turns it into a message on stderr and a non-zero exit status.
class HostError : public std::runtime_error {
public:
    explicit HostError(const std::string& msg) : std::runtime_error(msg) {}
};

// Wall-clock time in ns since the epoch (what event timestamps use).
uint64_t realtime_ns();

// Monotonic clock used for all measurements.
using Clock = std::chrono::steady_clock;

inline uint64_t elapsed_ns(Clock::time_point from, Clock::time_point to) {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// A C string returned by a plugin, or "" for NULL.
inline std::string str_or_empty(const char* s) { return s ? std::string(s) : std::string(); }

}  // namespace fph
