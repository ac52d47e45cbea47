#include "reporting.hpp"

#include <cstdio>

namespace fph {

void write_err(const std::string& line) {
    std::string s = line;
    s.push_back('\n');
    std::fwrite(s.data(), 1, s.size(), stderr);
}

void SharedStdout::write(std::string& buf) {
    if (buf.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    buf.clear();
}

void SharedStdout::flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fflush(stdout);
}

std::string ErrorReporter::context() const {
    std::string s;
    if (tag_thread_) s += "[thread " + std::to_string(thread_) + "] ";
    if (tag_cycle_) s += "[cycle " + std::to_string(cycle_) + "] ";
    return s;
}

void ErrorReporter::report(const std::string& message) {
    failed_ = true;
    count_++;
    out_.flush();  // keep stdout and stderr in a sensible order for a reader
    write_err("error: " + context() + message);
}

}  // namespace fph
