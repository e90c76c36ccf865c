// The core's issue model: how many instructions start per cycle, whether they may start out of
// program order, and how far ahead of a stalled load the out-of-order core can look.
#pragma once

#include <cstdint>
#include <string>

namespace ia32emu {

struct CoreParams {
    // Instructions (fused uops) issued per cycle; 1 with in order is a scalar pipeline.
    uint32_t issue_width = 1;
    // Out of order: an instruction waits only for its operands (dataflow), and independent misses
    // inside the reorder window overlap. In order: instructions start in program order, paired
    // up to issue_width a cycle, and every miss stalls the pipeline.
    bool out_of_order = false;
    // Instructions the out-of-order core can hold past a stalled load; a miss further ahead than
    // this is not seen until the first one retires.
    uint32_t rob_entries = 40;
};

// Empty when usable, else one line naming the field.
inline std::string core_params_error(const CoreParams &p) {
    if (p.issue_width == 0 || p.issue_width > 8) return "core.issue_width must be 1..8";
    if (p.out_of_order && p.rob_entries == 0) return "core.rob_entries must be at least 1 for an out-of-order core";
    return {};
}

} // namespace ia32emu
