// The reset state a kernel relies on: x87 control word, MXCSR and CPUID, on ia32emu and on QEMU.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// The failure bits tests/guests/cpu_reset.S exits with.
constexpr int kFailPse = 1 << 3;

const std::vector<std::string> kAllChecksPass = {
    "cpu_reset: fpu control word 0x0000037f ok",
    "cpu_reset: mxcsr 0x00001f80 ok",
    "cpu_reset: cpuid.1:edx.fpu 1 ok",
    "cpu_reset: cpuid.1:edx.pse 1 ok",
    "cpu_reset: cpuid.1:edx.tsc 1 ok",
    "cpu_reset: cpuid.1:edx.pae 1 ok",
    "cpu_reset: cpuid.1:edx.pge 1 ok",
    "cpu_reset: cpuid.0 vendor GenuineIntel ok",
    "cpu_reset: failures 0x00000000",
};

class CpuResetTest : public GuestTest {};

TEST_F(CpuResetTest, EveryCheckPassesOnTheDefaultBoard) {
    auto run = boot_kernel(test_guest("cpu_reset"), "");
    EXPECT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
    EXPECT_EQ(comparable_lines(run.out), kAllChecksPass) << run.out;
}

TEST_F(CpuResetTest, BoardWithoutPseTakesThePseBitOutOfCpuid) {
    auto run = boot_kernel(test_guest("cpu_reset"), "", {"--set", "cpu.features.pse=false"});
    EXPECT_EQ(run.exit_status, kFailPse) << run.describe() << "\nstdout:\n" << run.out;
    std::vector<std::string> expected = kAllChecksPass;
    std::replace(expected.begin(), expected.end(), std::string("cpu_reset: cpuid.1:edx.pse 1 ok"),
                 std::string("cpu_reset: cpuid.1:edx.pse 0 FAIL"));
    std::replace(expected.begin(), expected.end(), std::string("cpu_reset: failures 0x00000000"),
                 std::string("cpu_reset: failures 0x00000008"));
    EXPECT_EQ(comparable_lines(run.out), expected) << run.out;
}

// QEMU's default CPU (qemu32) reports the same vendor and the same feature bits as our default
// board, so every line is compared, not only the FPU and MXCSR ones.
class CpuResetQemuTest : public QemuTest {};

TEST_F(CpuResetQemuTest, QemuPrintsTheSameLinesAndExitsWithTheMappedStatus) {
    auto ours = boot_kernel(test_guest("cpu_reset"), "");
    auto q = qemu("", test_guest("cpu_reset"));
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(ours.exit_status, GUEST_EXIT_OK) << ours.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(GUEST_EXIT_OK)) << q.describe();
    EXPECT_EQ(comparable_lines(q.out), kAllChecksPass) << "QEMU stdout:\n" << q.out;
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(q.out))
        << "ia32emu stdout:\n" << ours.out << "\nQEMU stdout:\n" << q.out;
}

} // namespace
} // namespace ia32emu::test
