// A course-style user-mode kernel: system calls through a DPL-3 gate, #GP (at the int instruction)
// for a DPL-0 gate, #PF with U/S set in the error code, and timer interrupts taken in ring 3 on the TSS's SS0:ESP0
// stack, each checked by the guest's handlers and compared with QEMU.
#include <gtest/gtest.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

const std::vector<std::string> kExpectedLines{
    "ring3: entering user mode with iret",
    "ring3: user mode says hello through int 0x80 cs=0x0000001b ss=0x00000023",
    "ring3: #GP error=0x0000040a cs=0x0000001b",
    "ring3: #PF error=0x00000005 cr2=0x00400000 cs=0x0000001b",
    "ring3: #PF error=0x00000006 cr2=0x00800000 cs=0x0000001b",
    "ring3: three timer interrupts arrived in user mode; frames not on the TSS stack: 0x00000000",
    "ring3: exit system call",
};

class Ring3Test : public GuestTest {};

TEST_F(Ring3Test, SystemCallsFaultsAndInterruptsFromUserMode) {
    auto run = boot_kernel(test_guest("ring3"), "");
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    EXPECT_EQ(comparable_lines(run.out), kExpectedLines) << run.out;
}

class Ring3ParityTest : public QemuTest {};

TEST_F(Ring3ParityTest, SameLinesAsQemu) {
    auto ours = boot_kernel(test_guest("ring3"), "");
    auto q = qemu("", test_guest("ring3"));
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(0)) << q.describe();
    EXPECT_EQ(comparable_lines(ours.out), comparable_lines(q.out));
}

} // namespace
} // namespace ia32emu::test
