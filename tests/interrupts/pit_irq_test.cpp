// A course-style kernel that programs the 8259 pair and the 8254 and sleeps in `sti; hlt`: it
// gets its 50 timer interrupts, the same ones on every run, prints what QEMU's run prints, and its
// `cli; hlt` ending is a clean, documented halt rather than a crash.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

constexpr int kExitHalted = 123;   // README, "Exit statuses"

const std::vector<std::string> kExpectedLines{
    "pit_irq: PICs remapped to 0x20/0x28, only IRQ0 unmasked",
    "pit_irq: PIT channel 0 at 100 Hz, sleeping in sti; hlt",
    "pit_irq: ticks=0x00000032 isr_in_handler=0x00000001",
};

class PitIrqTest : public GuestTest {};

TEST_F(PitIrqTest, FiftyTimerInterruptsWakeTheHaltedCpu) {
    auto run = boot_kernel(test_guest("pit_irq"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

// 50 periods of 11932 PIT ticks are 0.5 s: the halted CPU's modelled time must cover them.
TEST_F(PitIrqTest, HaltedTimeIsModelledTime) {
    GuestRun r;
    r.kernel = test_guest("pit_irq");
    r.want_report = true;
    auto run = run_ia32emu(r);
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    const auto &report = *run.report;
    double seconds = report["totals"]["cycles"].get<double>() / (report["board"]["cpu"]["clock_mhz"].get<double>() * 1e6);
    EXPECT_GE(seconds, 50 * 11932 / 1193182.0);
    EXPECT_LT(seconds, 51 * 11932 / 1193182.0);
}

TEST_F(PitIrqTest, SameImageSameInterruptArrivalsBitForBit) {
    GuestRun r;
    r.kernel = test_guest("pit_irq");
    r.want_report = true;
    auto a = run_ia32emu(r), b = run_ia32emu(r);
    ASSERT_TRUE(a.report && b.report) << a.report_problem << b.report_problem;
    EXPECT_EQ((*a.report)["totals"], (*b.report)["totals"]);
}

TEST_F(PitIrqTest, CliHltEndingIsAHaltNotACrash) {
    auto run = boot_kernel(test_guest("pit_irq"), "end=hlt");
    EXPECT_EQ(run.exit_status, kExitHalted) << run.describe();
    ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
    EXPECT_NE(run.err.find("guest halted: hlt at 0x"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("(halt+"), std::string::npos) << "the hlt is named by symbol: " << run.err;
    EXPECT_NE(run.err.find("interrupts disabled (cli; hlt)"), std::string::npos) << run.err;
}

class PitIrqParityTest : public QemuTest {};

TEST_F(PitIrqParityTest, SameLinesAsQemu) {
    auto ours = boot_kernel(test_guest("pit_irq"), "");
    auto q = qemu("", test_guest("pit_irq"));
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(0)) << q.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(q.out));
    EXPECT_EQ(comparable_lines(q.out), kExpectedLines) << q.out;
}

} // namespace
} // namespace ia32emu::test
