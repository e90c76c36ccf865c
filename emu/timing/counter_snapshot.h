// The timing model's running counters at one instant; a call or region costs the difference
// between its end and start snapshots.
#pragma once

#include <cstdint>

namespace ia32emu {

struct CounterSnapshot {
    uint64_t cycles = 0;
    uint64_t instructions = 0;
    uint64_t l1d_misses = 0;
    uint64_t l2_misses = 0;
    uint64_t dtlb_misses = 0;
    uint64_t page_walks = 0;
    uint64_t tlb_flushes = 0;
};

} // namespace ia32emu
