// The 8042 with nothing plugged in and port 0x80, asked what course kernels and BIOSes ask
// (tests/guests/kbc_probe.c): the same answers here and under QEMU.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "kbc: self-test 0x55",
    "kbc: status system flag 0x04",
    "kbc: command byte 0x54",
    "kbc: keyboard interface test 0x00",
    "kbc: output port A20 0x02",
    "kbc: looped back 0xa5",
    "kbc: status after reads 0x00",
    "kbc: 1000 writes to port 0x80 accepted",
};

class KbcTest : public GuestTest {};

TEST_F(KbcTest, ControllerCommandsAndDelayPort) {
    auto run = boot_kernel(test_guest("kbc_probe"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

// 0xFE to port 0x64 pulses the CPU reset line: the run ends there with its own status and a
// line naming where, as QEMU's -no-reboot ends it.
TEST_F(KbcTest, ResetPulseEndsTheRun) {
    auto run = boot_kernel(test_guest("kbc_reset"), "");
    EXPECT_EQ(run.exit_status, 122) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), std::vector<std::string>{"kbc_reset: pulsing the CPU reset line"}) << run.out;
    const std::string line = "ia32emu: reset: guest reset the machine: the keyboard controller pulsed the CPU reset line at 0x";
    auto lines = run.err_lines();
    auto it = std::find_if(lines.begin(), lines.end(), [&](const std::string &l) { return l.starts_with(line); });
    ASSERT_NE(it, lines.end()) << run.err;
    EXPECT_NE(it->find(" (kernel_main+0x"), std::string::npos) << *it;
}

class KbcParityTest : public QemuTest {};

TEST_F(KbcParityTest, ResetEndsQemuUnderNoRebootAfterTheSameLines) {
    auto ours = boot_kernel(test_guest("kbc_reset"), "");
    auto theirs = qemu("", test_guest("kbc_reset"));
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(theirs.exit_status, 0) << theirs.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(theirs.out));
}

TEST_F(KbcParityTest, SameAnswersAsQemu) {
    auto ours = boot_kernel(test_guest("kbc_probe"), "");
    auto theirs = qemu("", test_guest("kbc_probe"));
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(theirs.out));
    EXPECT_EQ(comparable_lines(theirs.out), kExpectedLines) << theirs.out;
}

} // namespace
} // namespace ia32emu::test
