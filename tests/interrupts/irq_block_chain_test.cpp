// Interrupts taken between translation blocks that the engine chains together, with a code hook
// in place (the rdtsc guest's): each must return to the very instruction it interrupted, or the
// guest's two counters, incremented in consecutive blocks, stop agreeing. Compared with QEMU.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "irq_block_chain: both counters reached 2000000 together",
    "irq_block_chain: the loop was interrupted at least 100 times",
};

class IrqBlockChainTest : public GuestTest {};

TEST_F(IrqBlockChainTest, InterruptsReturnToTheInterruptedInstruction) {
    auto run = boot_kernel(test_guest("irq_block_chain"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

class IrqBlockChainParityTest : public QemuTest {};

// QEMU's timer runs on host time and its TCG finishes the loop in milliseconds, so how often it was
// interrupted varies; the counters must agree there too.
TEST_F(IrqBlockChainParityTest, CountersAgreeUnderQemu) {
    auto q = qemu("", test_guest("irq_block_chain"));
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(0)) << q.describe();
    auto lines = comparable_lines(q.out);
    ASSERT_FALSE(lines.empty()) << q.out;
    EXPECT_EQ(lines.front(), kExpectedLines.front());
}

} // namespace
} // namespace ia32emu::test
