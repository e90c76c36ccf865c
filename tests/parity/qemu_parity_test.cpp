// The same kernel under QEMU prints the same lines and exits with the mapped status.
#include <gtest/gtest.h>

#include <string>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// Both machines' serial output, compared line by line after the documented differences are removed.
void expect_same_lines(const ProcessResult &ours, const ProcessResult &qemu) {
    auto a = comparable_lines(ours.out);
    auto b = comparable_lines(qemu.out);
    EXPECT_EQ(a, b) << "ia32emu stdout:\n" << ours.out << "\nQEMU stdout:\n" << qemu.out;
    EXPECT_FALSE(a.empty()) << "the guest printed nothing";
}

struct ParityCase {
    const char *name;
    const char *cmdline;
    int guest_code;
};

// Without it gtest prints the struct's bytes, padding included (uninitialised under Valgrind).
void PrintTo(const ParityCase &c, std::ostream *os) { *os << c.name; }

class ParityQemuTest : public QemuTest, public ::testing::WithParamInterface<ParityCase> {};

TEST_P(ParityQemuTest, SameLinesAndMappedExitStatus) {
    const ParityCase &c = GetParam();
    auto ours = boot(c.cmdline);
    auto q = qemu(c.cmdline);
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(ours.exit_status, c.guest_code) << ours.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(c.guest_code)) << q.describe();
    expect_same_lines(ours, q);
}

INSTANTIATE_TEST_SUITE_P(Parity, ParityQemuTest,
                         ::testing::Values(ParityCase{"boot", "scenario=boot", GUEST_EXIT_OK},
                                           ParityCase{"traps", "scenario=traps count=500", GUEST_EXIT_OK},
                                           ParityCase{"selftest", "scenario=selftest", GUEST_EXIT_OK},
                                           ParityCase{"frag", "scenario=frag", GUEST_EXIT_OK},
                                           ParityCase{"layout", "scenario=layout", GUEST_EXIT_OK},
                                           ParityCase{"bad_cmdline", "scenario=no_such_scenario",
                                                      GUEST_EXIT_BAD_CMDLINE}),
                         [](const ::testing::TestParamInfo<ParityCase> &p) { return std::string(p.param.name); });

class ParityThirdPartyTest : public QemuTest {};

TEST_F(ParityThirdPartyTest, HelloKernelBehavesTheSameOnBothMachines) {
    auto ours = boot_kernel(test_guest("hello"), "exit=21");
    auto q = qemu("exit=21", test_guest("hello"));
    EXPECT_EQ(ours.exit_status, 21) << ours.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(21)) << q.describe();
    expect_same_lines(ours, q);
}

// The filters must only remove what they claim to: the guest's own lines survive them.
TEST(ParityFilterTest, RemovesBiosLinesAndThePciHoleOnly) {
    auto kept = comparable_lines("SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n"
                                 "iPXE (https://ipxe.org) 00:03.0 CA00 PCI2.10 PnP PMM+06FD3360+06F33360 CA00\n"
                                 "Booting from ROM..\n"
                                 "mmap: 0x0000000000100000-0x000000003ffdffff usable\n"
                                 "mmap: 0x00000000e0000000-0x00000000febfffff reserved\n"
                                 "mm: ram=1 lowmem=1 highmem=0\n");
    std::vector<std::string> expected{"mmap: 0x0000000000100000-0x000000003ffdffff usable", "mm: ram=1 lowmem=1 highmem=0"};
    EXPECT_EQ(kept, expected);
}

} // namespace
} // namespace ia32emu::test
