// Ctrl-C (SIGINT) and SIGTERM during a sweep: noted in a flag the engines poll, so they stop
// their points, keep what finished and exit cleanly instead of dying mid-write.
#pragma once

#include <csignal>

namespace ia32emu {

class SweepInterrupt {
public:
    // Installs the handlers without SA_RESTART, so a blocking waitpid or sleep returns EINTR.
    SweepInterrupt();
    ~SweepInterrupt();
    SweepInterrupt(const SweepInterrupt &) = delete;
    SweepInterrupt &operator=(const SweepInterrupt &) = delete;

    static bool requested();

private:
    struct sigaction old_int_ {}, old_term_ {};
};

} // namespace ia32emu
