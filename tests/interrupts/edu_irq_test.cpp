// PCI INTx end to end (tests/guests/edu_irq.c): the firmware routes the edu's INTA# to IRQ 11 as
// SeaBIOS does, and a course kernel sleeping in hlt takes the interrupt for the raise register, a
// factorial and DMA completion, with INTx disable holding it back. QEMU is the oracle.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "edu_irq: slot 3, interrupt pin A, line 11",
    "edu_irq: raise 0x00abcd00: interrupts 1, status 0x00abcd00",
    "edu_irq: factorial: interrupts 1, status 0x00000001",
    "edu_irq: 10! = 3628800",
    "edu_irq: DMA to the device and back: interrupts 2, status 0x00000100",
    "edu_irq: bytes differing after the round trip: 0",
    "edu_irq: with INTx disabled: interrupts 0, PCI status interrupt bit 1",
    "edu_irq: INTx enabled again: interrupts 1, status 0x00000001",
};

class EduIrqTest : public GuestTest {};

TEST_F(EduIrqTest, InterruptsForRaiseFactorialAndDmaCompletion) {
    auto run = boot_kernel(test_guest("edu_irq"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

TEST_F(EduIrqTest, SameImageSameCyclesBitForBit) {
    GuestRun r;
    r.kernel = test_guest("edu_irq");
    r.want_report = true;
    auto a = run_ia32emu(r), b = run_ia32emu(r);
    ASSERT_TRUE(a.report && b.report) << a.report_problem << b.report_problem;
    EXPECT_EQ((*a.report)["totals"], (*b.report)["totals"]);
}

// Our kernel's edu driver sleeps for completion: the DMA scenarios still round-trip their data.
TEST_F(EduIrqTest, OurDriverTakesTheCompletionInterrupt) {
    auto run = boot("scenario=dma_kmalloc");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_NE(run.out.find("edu: DMA completion by interrupt on IRQ 11\n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("dma: kmalloc round trip of 4095 bytes ok"), std::string::npos) << run.out;
}

class EduIrqParityTest : public QemuTest {};

// -nic none: QEMU's default e1000 would take slot 3 and push edu to slot 4 (PIRQD#, also IRQ 11).
TEST_F(EduIrqParityTest, SameLinesAsQemu) {
    auto ours = boot_kernel(test_guest("edu_irq"), "");
    QemuRun q;
    q.kernel = test_guest("edu_irq");
    q.extra_args = {"-device", "edu", "-nic", "none"};
    auto theirs = run_qemu(qemu_path_, q);
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(theirs.out));
    EXPECT_EQ(comparable_lines(theirs.out), kExpectedLines) << theirs.out;
}

TEST_F(EduIrqParityTest, OurDriverGetsTheSameLineUnderQemu) {
    QemuRun q;
    q.append = "scenario=dma_kmalloc";
    q.extra_args = {"-device", "edu"};
    auto theirs = run_qemu(qemu_path_, q);
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe();
    EXPECT_NE(theirs.out.find("edu: DMA completion by interrupt on IRQ 11"), std::string::npos) << theirs.out;
}

} // namespace
} // namespace ia32emu::test
