// Ctrl-C (SIGINT), SIGTERM and child exits during a sweep, taken synchronously: the signals are
// blocked and waited for, so a stop request that arrives between two checks is never lost and
// a finished child always wakes the engine.
#pragma once

#include <chrono>
#include <csignal>

namespace ia32emu {

class SweepInterrupt {
public:
    // Blocks SIGINT, SIGTERM and SIGCHLD until destruction.
    SweepInterrupt();
    ~SweepInterrupt();
    SweepInterrupt(const SweepInterrupt &) = delete;
    SweepInterrupt &operator=(const SweepInterrupt &) = delete;

    // Sleeps until one of the three signals arrives or `timeout` passes (negative: no limit).
    void wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
    // Whether SIGINT or SIGTERM has arrived since construction.
    bool requested() const { return requested_; }

    // For a child between fork and exec: the signals the sweep blocks are unblocked again.
    static void unblock_in_child();

private:
    sigset_t old_mask_ {};
    bool requested_ = false;
};

} // namespace ia32emu
