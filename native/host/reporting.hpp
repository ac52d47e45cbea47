// What a run prints besides its event lines' contents: the stdout shared by
// the worker threads, and the lines on stderr.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace fph {

// Writes one line on stderr.
void write_err(const std::string& line);

// stdout, shared by the worker threads: each writes whole buffers of event
// lines under one lock.
class SharedStdout {
public:
    // Writes buf (nothing if it is empty) and clears it.
    void write(std::string& buf);
    // Flushes the stdio buffer, so that what was printed so far comes before
    // what follows on stderr.
    void flush();

private:
    std::mutex mutex_;
};

// The errors of one worker: each one fails the run, is counted, and is
// printed on stderr as "error: <context><message>", after what was printed so
// far on stdout.
class ErrorReporter {
public:
    ErrorReporter(SharedStdout& out, std::atomic<bool>& failed, unsigned thread, bool tag_thread,
                  bool tag_cycle)
        : out_(out), failed_(failed), thread_(thread), tag_thread_(tag_thread),
          tag_cycle_(tag_cycle) {}

    void set_cycle(uint64_t cycle) { cycle_ = cycle; }

    // "[thread k] [cycle c] ", each tag only when the run has several threads
    // or cycles.
    std::string context() const;

    void report(const std::string& message);
    uint64_t count() const { return count_; }

private:
    SharedStdout& out_;
    std::atomic<bool>& failed_;
    unsigned thread_;
    bool tag_thread_;
    bool tag_cycle_;
    uint64_t cycle_ = 0;
    uint64_t count_ = 0;
};

}  // namespace fph
