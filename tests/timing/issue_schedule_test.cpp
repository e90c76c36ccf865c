// IssueSchedule: issue width, pairing, the memory port, dataflow and draining instructions on the
// in-order and the out-of-order core, with hand-built instruction streams.
#include "emu/timing/issue_schedule.h"

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

ScheduledInsn alu(uint8_t dst, uint8_t src = kNoRegister, uint32_t latency = 1) {
    ScheduledInsn s;
    s.latency = latency;
    s.sources[0] = src;
    s.results[0] = dst;
    return s;
}

ScheduledInsn load(uint8_t dst, uint8_t address) {
    ScheduledInsn s = alu(dst, address);
    s.cls = InsnClass::Move;
    s.reads_memory = true;
    return s;
}

ScheduledInsn drain(uint32_t cost) {
    ScheduledInsn s;
    s.cls = InsnClass::Serializing;
    s.latency = cost;
    return s;
}

CoreParams in_order(uint32_t width) { return CoreParams{width, false, 1}; }
CoreParams out_of_order(uint32_t width) { return CoreParams{width, true, 40}; }

TEST(TimingIssueSchedule, InOrderPairsIndependentInstructionsUpToTheWidth) {
    IssueSchedule s(in_order(2), 1, 1);
    for (int i = 0; i < 8; ++i) s.add(alu(uint8_t(i % 4), uint8_t(i % 4)));
    // Four registers, each its own chain: two issue a cycle, and each chain is ready in time.
    EXPECT_EQ(s.cycles(), 4u);
}

TEST(TimingIssueSchedule, DependentInstructionsWaitForTheirSource) {
    for (CoreParams core : {in_order(2), out_of_order(3)}) {
        IssueSchedule s(core, 1, 1);
        for (int i = 0; i < 6; ++i) s.add(alu(0, 0));
        EXPECT_EQ(s.cycles(), 6u) << core.out_of_order;
        s.add(alu(1, 0, 4));   // a multiply on the chain's result
        EXPECT_EQ(s.cycles(), 10u) << core.out_of_order;
    }
}

TEST(TimingIssueSchedule, OneMemoryPortTakesOneAccessACycle) {
    IssueSchedule in(in_order(2), 1, 1), ooo(out_of_order(3), 1, 1);
    for (int i = 0; i < 6; ++i) {
        in.add(load(uint8_t(i % 4), 6));
        ooo.add(load(uint8_t(i % 4), 6));
    }
    EXPECT_EQ(in.cycles(), 6u);
    EXPECT_EQ(ooo.cycles(), 6u);
}

TEST(TimingIssueSchedule, OutOfOrderIssuesAtItsWidth) {
    IssueSchedule s(out_of_order(3), 1, 1);
    for (int i = 0; i < 9; ++i) s.add(alu(uint8_t(i % 4), uint8_t(i % 4)));
    EXPECT_EQ(s.cycles(), 3u);
    // A long-latency instruction that nothing waits for still ends the block when it is done.
    s.add(alu(5, 5, 39));
    EXPECT_EQ(s.cycles(), 39u);
}

TEST(TimingIssueSchedule, SerializingInstructionsDrainThePipeline) {
    for (CoreParams core : {in_order(2), out_of_order(3)}) {
        IssueSchedule s(core, 1, 1);
        s.add(alu(0, 0, 4));
        s.add(drain(40));
        EXPECT_EQ(s.cycles(), 44u) << core.out_of_order;
        s.add(alu(1, 1));
        EXPECT_EQ(s.cycles(), 45u) << core.out_of_order;
    }
}

TEST(TimingIssueSchedule, ScalarInOrderIsOneInstructionACycle) {
    IssueSchedule s(in_order(1), 1, 1);
    for (int i = 0; i < 5; ++i) s.add(alu(uint8_t(i), uint8_t(i)));
    EXPECT_EQ(s.cycles(), 5u);
}

} // namespace
} // namespace ia32emu
