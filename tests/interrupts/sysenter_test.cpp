// Linux's system-call path on a CPU with SEP: SYSENTER from ring 3 lands at IA32_SYSENTER_EIP on
// the IA32_SYSENTER_ESP stack with CS/SS from IA32_SYSENTER_CS and IF clear, SYSEXIT returns,
// and the CPU's own reads of a supervisor-only GDT at CPL 3 (a `mov gs`, the delivery of int 0x80
// after a CR3 reload) succeed. Compared with QEMU.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "sysenter: entering user mode with iret",
    "sysenter: kernel entered with cs=0x00000008 ss=0x00000010 esp from the MSR: yes if=0x00000000",
    "sysenter: back in user mode after sysexit; int 0x80 from cs=0x0000001b gs=0x00000023",
    "sysenter: exit system call",
};

class SysenterTest : public GuestTest {};

TEST_F(SysenterTest, FastSystemCallRoundTripFromUserMode) {
    auto run = boot_kernel(test_guest("sysenter"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

class SysenterParityTest : public QemuTest {};

TEST_F(SysenterParityTest, SameLinesAsQemu) {
    auto q = qemu("", test_guest("sysenter"));
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(0)) << q.describe();
    EXPECT_EQ(comparable_lines(q.out), kExpectedLines);
}

} // namespace
} // namespace ia32emu::test
