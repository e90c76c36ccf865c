#include "emu/sweep/sweep_interrupt.h"

namespace ia32emu {

namespace {

volatile std::sig_atomic_t g_requested = 0;

void note_request(int) { g_requested = 1; }

} // namespace

SweepInterrupt::SweepInterrupt() {
    g_requested = 0;
    struct sigaction sa {};
    sa.sa_handler = note_request;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
}

SweepInterrupt::~SweepInterrupt() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
}

bool SweepInterrupt::requested() { return g_requested != 0; }

} // namespace ia32emu
