// Kernels linked the way tutorials link them, under QEMU's -kernel and ours: same lines, same exit.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

class LoaderParityTest : public QemuTest {
protected:
    void expect_same_run(const std::filesystem::path &kernel, int code) {
        const std::string cmdline = "exit=" + std::to_string(code);
        auto ours = boot_kernel(kernel, cmdline);
        auto q = qemu(cmdline, kernel);
        ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
        EXPECT_EQ(ours.exit_status, code) << ours.describe();
        EXPECT_EQ(q.exit_status, qemu_exit_status(code)) << q.describe();
        auto a = comparable_lines(ours.out), b = comparable_lines(q.out);
        EXPECT_EQ(a, b) << "ia32emu:\n" << ours.out << "\nQEMU:\n" << q.out;
        EXPECT_FALSE(a.empty());
    }
};

TEST_F(LoaderParityTest, PlainLdKernelWithHeaderSegmentBelowOneMiB) { expect_same_run(test_guest("plain_ld"), 31); }

TEST_F(LoaderParityTest, AoutKludgeFlatBinary) {
    expect_same_run(build_dir() / "tests" / "guests" / "aout_kludge.bin", 37);
}

} // namespace
} // namespace ia32emu::test
