// Cycles charged per instruction class, as the board file gives them (the cost.* keys).
#pragma once

#include <cstdint>

namespace ia32emu {

// See cost_table.h for which instructions each class holds.
struct CostConfig {
    uint32_t alu = 0, mul = 0, div = 0, branch = 0, load = 0, store = 0, string_element = 0;
    uint32_t fpu = 0, sse = 0, port_io = 0, cr_write = 0, cr3_write = 0, invlpg = 0, serializing = 0;
    // Not instruction classes: an exception or interrupt delivered through a gate (the microcode;
    // the pipeline refill is the branch misprediction penalty), the extra of a delivery that
    // switches to the ring-0 stack, and the walker's locked read-modify-write of a paging entry
    // whose Accessed or Dirty bit it sets.
    uint32_t exception = 0, exception_ring_change = 0, ad_update = 0;
};

} // namespace ia32emu
