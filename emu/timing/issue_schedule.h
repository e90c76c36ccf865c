// The static schedule of one block on the board's core: when its last instruction is done if every
// access hits L1, from issue width, the memory ports and the block's register dataflow. Memory
// stalls beyond an L1 hit are the timing model's, not this schedule's.
//
// In order (Atom): instructions start in program order, up to issue_width in one cycle; an
// instruction waits for its source registers, a memory instruction for the single memory port.
// Out of order (Pentium M, interval style): the block takes the longest of its bounds: issue
// (fused uops / width), the load port, the store port, the unpipelined divider, its taken branch,
// and its critical dataflow path. Serializing, port and control-register instructions drain
// whatever was issued before them on either core.
#pragma once

#include <array>
#include <cstdint>

#include "emu/timing/core_params.h"
#include "emu/timing/cost_table.h"

namespace ia32emu {

// Registers the schedule tracks: the eight general registers, then MMX and XMM 0-7.
constexpr unsigned kScheduledRegisters = 24;
constexpr uint8_t kNoRegister = 0xff;

struct ScheduledInsn {
    InsnClass cls = InsnClass::Alu;
    uint32_t latency = 1;           // the cost table's cycles: until its results can be used
    bool reads_memory = false;
    bool writes_memory = false;
    std::array<uint8_t, 6> sources{kNoRegister, kNoRegister, kNoRegister, kNoRegister, kNoRegister, kNoRegister};
    std::array<uint8_t, 4> results{kNoRegister, kNoRegister, kNoRegister, kNoRegister};
};

// True for the classes that wait for everything before them and hold up everything after.
bool drains_pipeline(InsnClass cls);

class IssueSchedule {
public:
    // `load_slot`/`store_slot`: cycles one access occupies its memory port (cost.load, cost.store).
    IssueSchedule(const CoreParams &core, uint32_t load_slot, uint32_t store_slot);

    void add(const ScheduledInsn &insn);
    // Cycles from the block's start until everything added so far is done.
    uint64_t cycles() const;

private:
    void add_in_order(const ScheduledInsn &insn, uint64_t ready);
    void add_out_of_order(const ScheduledInsn &insn, uint64_t ready);
    void drain(uint32_t cost);

    CoreParams core_;
    uint32_t load_slot_, store_slot_;
    std::array<uint64_t, kScheduledRegisters> ready_{};   // cycle each register's value is available
    uint64_t base_ = 0;          // where the segment since the last draining instruction starts
    uint64_t finish_ = 0;        // latest completion so far
    // In order: the issue cycle being filled and how many have issued in it.
    uint64_t cycle_ = 0;
    uint32_t issued_in_cycle_ = 0;
    uint64_t port_free_ = 0;     // in order: the memory port; out of order: the divider
    // Out of order: the segment's totals.
    uint64_t uops_ = 0, load_busy_ = 0, store_busy_ = 0, divider_busy_ = 0, branch_busy_ = 0;
};

} // namespace ia32emu
