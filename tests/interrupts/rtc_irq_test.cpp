// A course-style kernel on the CMOS clock (tests/guests/rtc_irq.c): the date from the board's
// rtc.base, UIP, 1024 Hz periodic interrupts on IRQ8 through the slave 8259, register C's
// read-to-clear, the same lines as QEMU with -rtc base=...,clock=vm.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "rtc_irq: power-on date 2024-01-01 00:00:00",
    "rtc_irq: register B=0x02 D=0x80 extended memory KiB=65535",
    "rtc_irq: 512 periodic interrupts stay within one second",
    "rtc_irq: 1100 periodic interrupts later the clock moved by 1 second(s)",
    "rtc_irq: without reading C, interrupts in two seconds: 1",
};

class RtcIrqTest : public GuestTest {};

TEST_F(RtcIrqTest, ClockPeriodicInterruptsAndReadToClear) {
    auto run = boot_kernel(test_guest("rtc_irq"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

TEST_F(RtcIrqTest, TheBoardSetsTheDate) {
    auto run = boot_kernel(test_guest("rtc_irq"), "", {"--set", "rtc.base=1999-12-31T23:59:58"});
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    auto lines = comparable_lines(run.out);
    ASSERT_FALSE(lines.empty()) << run.out;
    EXPECT_EQ(lines[0], "rtc_irq: power-on date 1999-12-31 23:59:58");
}

TEST_F(RtcIrqTest, ABadDateIsBadInput) {
    auto run = boot_kernel(test_guest("rtc_irq"), "", {"--set", "rtc.base=2023-02-29T00:00:00"});
    EXPECT_EQ(run.exit_status, 2) << run.describe();
    ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
    EXPECT_NE(run.err.find("rtc.base"), std::string::npos) << run.err;
}

// About 2.1 s of periodic interrupts and two more updates: the modelled time, bit for bit.
TEST_F(RtcIrqTest, SameImageSameCyclesBitForBit) {
    GuestRun r;
    r.kernel = test_guest("rtc_irq");
    r.want_report = true;
    auto a = run_ia32emu(r), b = run_ia32emu(r);
    ASSERT_TRUE(a.report && b.report) << a.report_problem << b.report_problem;
    EXPECT_EQ((*a.report)["totals"], (*b.report)["totals"]);
    double seconds = (*a.report)["totals"]["modelled_seconds"].get<double>();
    EXPECT_GT(seconds, 3.0);
    EXPECT_LT(seconds, 5.0);
}

class RtcIrqParityTest : public QemuTest {};

TEST_F(RtcIrqParityTest, SameLinesAsQemu) {
    auto ours = boot_kernel(test_guest("rtc_irq"), "");
    QemuRun q;
    q.kernel = test_guest("rtc_irq");
    q.extra_args = {"-rtc", "base=2024-01-01T00:00:00,clock=vm"};
    // QEMU's vm clock follows the host's clock and coalesces the 1024 Hz ticks a busy host cannot
    // deliver in time, so on a loaded machine its tick-counting lines drift; ours are modelled
    // time and do not. A few tries give QEMU the chance an idle machine gives it.
    ProcessResult theirs;
    for (int attempt = 0; attempt < 3; ++attempt) {
        theirs = run_qemu(qemu_path_, q);
        if (theirs.killed_by_safety_net || comparable_lines(theirs.out) == kExpectedLines) break;
    }
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(theirs.out));
    EXPECT_EQ(comparable_lines(theirs.out), kExpectedLines) << theirs.out;
}

} // namespace
} // namespace ia32emu::test
