// What a run does around the guest: stop signals and the progress line on a terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace ia32emu {

// SIGINT, SIGTERM and SIGHUP set a flag the engine reads at each block instead of killing the
// process, so that a stopped run still writes its report. Installed for the object's lifetime.
class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

    const std::atomic<int> *flag() const;
};

// One line on stderr, redrawn about once a second, only when stderr is a terminal: instructions,
// guest MIPS and modelled time. Erased when the run ends.
class ProgressLine {
public:
    explicit ProgressLine(uint32_t clock_mhz);
    ~ProgressLine();
    void update(uint64_t instructions, uint64_t cycles);

private:
    bool enabled_;
    bool drawn_ = false;
    uint32_t clock_mhz_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point next_;
};

} // namespace ia32emu
