#include "emu/sweep/sweep_interrupt.h"

#include <cerrno>
#include <ctime>

namespace ia32emu {

namespace {

sigset_t sweep_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    return set;
}

} // namespace

SweepInterrupt::SweepInterrupt() {
    const sigset_t set = sweep_signals();
    sigprocmask(SIG_BLOCK, &set, &old_mask_);
}

SweepInterrupt::~SweepInterrupt() {
    // A stop request nobody waited for would kill the process the moment it is unblocked.
    const sigset_t set = sweep_signals();
    const timespec now {0, 0};
    while (sigtimedwait(&set, nullptr, &now) > 0) {}
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

void SweepInterrupt::wait(std::chrono::milliseconds timeout) {
    const sigset_t set = sweep_signals();
    int sig;
    if (timeout.count() < 0) {
        sig = sigwaitinfo(&set, nullptr);
    } else {
        const timespec limit {time_t(timeout.count() / 1000), long(timeout.count() % 1000) * 1'000'000L};
        sig = sigtimedwait(&set, nullptr, &limit);
    }
    if (sig == SIGINT || sig == SIGTERM) requested_ = true;
}

void SweepInterrupt::unblock_in_child() {
    const sigset_t set = sweep_signals();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace ia32emu
