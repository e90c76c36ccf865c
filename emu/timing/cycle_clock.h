// The modelled clock: cycles and retired instructions, advanced only by the timing model.
#pragma once

#include <cstdint>

namespace ia32emu {

// Plain counters so the hot path is two adds; whoever charges decides why, the clock never asks.
struct CycleClock {
    uint64_t cycles = 0;
    uint64_t instructions = 0;

    void charge(uint64_t c) { cycles += c; }
    void retire(uint64_t insns, uint64_t c) {
        instructions += insns;
        cycles += c;
    }
    // Modelled time, for reports only: cycles at the board's clock.
    double seconds(uint32_t clock_mhz) const { return clock_mhz ? double(cycles) / (double(clock_mhz) * 1e6) : 0.0; }
};

} // namespace ia32emu
