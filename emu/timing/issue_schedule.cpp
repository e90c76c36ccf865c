// Block schedules for the in-order and the out-of-order core (see issue_schedule.h).
#include "emu/timing/issue_schedule.h"

#include <algorithm>

namespace ia32emu {

bool drains_pipeline(InsnClass cls) {
    switch (cls) {
    case InsnClass::PortIo: case InsnClass::CrWrite: case InsnClass::Cr3Write: case InsnClass::Invlpg:
    case InsnClass::Serializing: case InsnClass::String:
        return true;
    default:
        return false;
    }
}

IssueSchedule::IssueSchedule(const CoreParams &core, uint32_t load_slot, uint32_t store_slot)
    : core_(core), load_slot_(load_slot), store_slot_(store_slot) {
    core_.issue_width = std::max(core_.issue_width, 1u);
}

void IssueSchedule::drain(uint32_t cost) {
    base_ = cycles() + cost;
    finish_ = base_;
    cycle_ = base_;
    issued_in_cycle_ = 0;
    port_free_ = base_;
    uops_ = load_busy_ = store_busy_ = divider_busy_ = branch_busy_ = 0;
    ready_.fill(base_);
}

void IssueSchedule::add(const ScheduledInsn &insn) {
    if (drains_pipeline(insn.cls)) {
        drain(insn.latency);
        return;
    }
    uint64_t ready = base_;
    for (uint8_t r : insn.sources)
        if (r != kNoRegister) ready = std::max(ready, ready_[r]);
    if (core_.out_of_order)
        add_out_of_order(insn, ready);
    else
        add_in_order(insn, ready);
}

void IssueSchedule::add_in_order(const ScheduledInsn &insn, uint64_t ready) {
    const bool memory = insn.reads_memory || insn.writes_memory;
    uint64_t start = std::max(cycle_, ready);
    if (memory || insn.cls == InsnClass::Div) start = std::max(start, port_free_);
    if (start == cycle_ && issued_in_cycle_ >= core_.issue_width) ++start;
    if (start != cycle_) {
        cycle_ = start;
        issued_in_cycle_ = 0;
    }
    ++issued_in_cycle_;
    // The memory port takes one access per cycle (two for a read-modify-write); the divider is not
    // pipelined, so it is held like a port.
    if (memory)
        port_free_ = start + (insn.reads_memory ? load_slot_ : 0) + (insn.writes_memory ? store_slot_ : 0);
    if (insn.cls == InsnClass::Div) port_free_ = std::max(port_free_, start + insn.latency);
    // A branch has no result; its cost is the fetch bubble behind it, which the block waits out.
    uint64_t done = start + std::max(insn.latency, 1u);
    finish_ = std::max(finish_, done);
    for (uint8_t r : insn.results)
        if (r != kNoRegister) ready_[r] = done;
}

void IssueSchedule::add_out_of_order(const ScheduledInsn &insn, uint64_t ready) {
    // A read-modify-write is two fused uops (load+op, store address+data).
    uops_ += (insn.reads_memory && insn.writes_memory) ? 2 : 1;
    if (insn.reads_memory) load_busy_ += load_slot_;
    if (insn.writes_memory) store_busy_ += store_slot_;
    if (insn.cls == InsnClass::Div) divider_busy_ += insn.latency;
    if (insn.cls == InsnClass::Branch) branch_busy_ += insn.latency;
    uint64_t done = ready + std::max(insn.latency, 1u);
    finish_ = std::max(finish_, done);
    for (uint8_t r : insn.results)
        if (r != kNoRegister) ready_[r] = done;
}

uint64_t IssueSchedule::cycles() const {
    if (!core_.out_of_order)
        return std::max(finish_, issued_in_cycle_ ? cycle_ + 1 : cycle_);
    uint64_t issue = (uops_ + core_.issue_width - 1) / core_.issue_width;
    uint64_t bound = std::max({issue, load_busy_, store_busy_, divider_busy_, branch_busy_});
    return std::max(finish_, base_ + bound);
}

} // namespace ia32emu
