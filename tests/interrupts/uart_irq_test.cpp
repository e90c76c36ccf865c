// A course-style interrupt-driven serial console (tests/guests/uart_irq.c): bytes from
// --serial-in arrive on IRQ4 through the FIFO's received-data and timeout interrupts, output
// leaves on THRE interrupts, and QEMU, fed the same bytes, prints the same lines.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// The leading newline is for QEMU: it reads its input before the guest runs, and the guest's
// FIFO reset then drops the byte that waited in RBR. ia32emu sends nothing before RTS.
constexpr std::string_view kInput = "\nhello from the far end\r\n\nsecond line, a bit longer than sixteen bytes\nend\nignored\n";

const std::vector<std::string> kExpectedLines{
    "uart_irq: IRQ4 console up, 16550A FIFO trigger 8",
    "uart_irq: got 'hello from the far end' (22 bytes)",
    "uart_irq: got 'second line, a bit longer than sixteen bytes' (44 bytes)",
    "uart_irq: lines=2 received on interrupts, sent on THRE interrupts",
};

class UartIrqTest : public GuestTest {
protected:
    ScratchDir dir;
    std::filesystem::path input = dir.write("input.txt", kInput);
};

TEST_F(UartIrqTest, LinesArriveOnInterruptsAndLeaveOnThre) {
    auto run = boot_kernel(test_guest("uart_irq"), "", {"--serial-in", input.string()});
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

// 115200 baud 8N1: a character every 86.8 us, so the 60 bytes up to "end" take at least 5.2 ms
// of modelled time, and the run's cycle count is the same on every run.
TEST_F(UartIrqTest, ArrivalIsPacedByTheLineRateAndReproducible) {
    GuestRun r;
    r.kernel = test_guest("uart_irq");
    r.extra_args = {"--serial-in", input.string()};
    r.want_report = true;
    auto a = run_ia32emu(r), b = run_ia32emu(r);
    ASSERT_TRUE(a.report && b.report) << a.report_problem << b.report_problem;
    EXPECT_EQ((*a.report)["totals"], (*b.report)["totals"]);
    double seconds = (*a.report)["totals"]["modelled_seconds"].get<double>();
    size_t through_end = kInput.find("end\n") + 4;
    EXPECT_GE(seconds, double(through_end) * 10 / 115200);
    EXPECT_LT(seconds, 0.5);
}

TEST_F(UartIrqTest, WithoutInputTheGuestWaitsAndTheHaltIsFinal) {
    auto run = boot_kernel(test_guest("uart_irq"), "");
    EXPECT_EQ(run.exit_status, 123) << run.describe();
    EXPECT_NE(run.err.find("guest halted"), std::string::npos) << run.err;
    EXPECT_EQ(comparable_lines(run.out), std::vector<std::string>{kExpectedLines[0]});
}

TEST_F(UartIrqTest, MissingSerialInputFileIsBadInput) {
    auto run = boot_kernel(test_guest("uart_irq"), "", {"--serial-in", dir.file("nope.txt").string()});
    EXPECT_EQ(run.exit_status, 2) << run.describe();
    ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
    EXPECT_NE(run.err.find("--serial-in"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("nope.txt"), std::string::npos) << run.err;
}

class UartIrqParityTest : public QemuTest {};

TEST_F(UartIrqParityTest, SameLinesAsQemuFromTheSameInput) {
    ScratchDir dir;
    auto input = dir.write("input.txt", kInput);
    auto ours = boot_kernel(test_guest("uart_irq"), "", {"--serial-in", input.string()});
    // QEMU's -serial stdio reads the file as its standard input; run_process gives children
    // /dev/null, so a shell hands QEMU the file.
    auto theirs = run_process({"/bin/sh", "-c", "exec \"$@\" < \"$0\"", input.string(), qemu_path_.string(), "-m",
                               "1024", "-kernel", test_guest("uart_irq").string(), "-display", "none", "-serial",
                               "stdio", "-monitor", "none", "-no-reboot", "-device",
                               "isa-debug-exit,iobase=0xf4,iosize=0x04"});
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(theirs.out));
    EXPECT_EQ(comparable_lines(theirs.out), kExpectedLines) << theirs.out;
}

} // namespace
} // namespace ia32emu::test
