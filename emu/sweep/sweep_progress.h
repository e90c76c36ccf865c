// The progress line of a sweep on stderr: rewritten in place on a terminal, one line per finished
// point otherwise (logs and tests read those).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ia32emu {

class SweepProgress {
public:
    SweepProgress(size_t total, size_t kept);
    // A point ended (ok or not); `message` says why it failed.
    void finished(const std::string &id, bool ok, const std::string &message, double wall_seconds, size_t running);
    // Only the count of running points changed.
    void running(size_t running);
    // Ends the line on a terminal.
    void close();

    size_t done() const { return done_; }
    size_t failed() const { return failed_; }

private:
    void redraw(size_t running);

    size_t total_;
    size_t done_;
    size_t failed_ = 0;
    bool tty_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace ia32emu
