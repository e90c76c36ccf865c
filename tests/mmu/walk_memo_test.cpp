// The remembered walk answers only while the control registers and every entry it read are as
// they were: a rewritten PTE or PDE, another CR3, another page or a failed walk all walk again.
#include "emu/mmu/walk_memo.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace ia32emu {
namespace {

constexpr uint32_t kPd = 0x1000, kPt = 0x2000, kOtherPd = 0x3000;
constexpr uint32_t kVa = 0xC0403ABC;   // PDE 0x301, PTE 3
const PagingRegs kRegs{kCr0Pg, kPd, 0};

class WalkMemoTest : public ::testing::Test {
protected:
    std::vector<uint8_t> ram = std::vector<uint8_t>(1 << 20, 0);
    WalkMemo memo;

    void put32(uint64_t pa, uint32_t v) { std::memcpy(&ram[pa], &v, 4); }
    PhysView view() const { return {ram.data(), ram.size()}; }
    void SetUp() override {
        put32(kPd + 0x301 * 4, kPt | kPteP | kPteRw);
        put32(kPt + 3 * 4, 0x55000 | kPteP | kPteRw);
    }
    void walk_and_remember(const PagingRegs &regs, uint32_t va) {
        memo.remember(regs, va, walk_page_tables(view(), regs, va, AccessKind::Read, Privilege::Supervisor));
    }
};

TEST_F(WalkMemoTest, AnUnchangedWalkIsRecalledForAnyOffsetInItsPage) {
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa));
    walk_and_remember(kRegs, kVa);
    EXPECT_EQ(memo.recall(view(), kRegs, kVa), 0x55ABCu);
    EXPECT_EQ(memo.recall(view(), kRegs, kVa & ~0xFFFu), 0x55000u);
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa + 0x1000));
}

TEST_F(WalkMemoTest, ARewrittenPteOrPdeIsWalkedAgain) {
    walk_and_remember(kRegs, kVa);
    put32(kPt + 3 * 4, 0x66000 | kPteP | kPteRw);
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa));
    walk_and_remember(kRegs, kVa);
    EXPECT_EQ(memo.recall(view(), kRegs, kVa), 0x66ABCu);
    // Only the Accessed bit changes: still a change of what was read.
    put32(kPd + 0x301 * 4, kPt | kPteP | kPteRw | kPteA);
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa));
}

TEST_F(WalkMemoTest, OtherControlRegistersAreWalkedAgain) {
    walk_and_remember(kRegs, kVa);
    EXPECT_FALSE(memo.recall(view(), PagingRegs{kCr0Pg, kOtherPd, 0}, kVa));
    EXPECT_FALSE(memo.recall(view(), PagingRegs{kCr0Pg | kCr0Wp, kPd, 0}, kVa));
    EXPECT_FALSE(memo.recall(view(), PagingRegs{kCr0Pg, kPd, kCr4Pse}, kVa));
    // With paging off the walk reads nothing, and the answer is the identity.
    walk_and_remember(PagingRegs{}, kVa);
    EXPECT_EQ(memo.recall(view(), PagingRegs{}, kVa), kVa);
}

TEST_F(WalkMemoTest, AFailedWalkIsNotRecalled) {
    walk_and_remember(kRegs, kVa);
    put32(kPt + 3 * 4, 0);
    walk_and_remember(kRegs, kVa);
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa));
    // Nor does it bring back the walk before it.
    put32(kPt + 3 * 4, 0x55000 | kPteP | kPteRw);
    EXPECT_FALSE(memo.recall(view(), kRegs, kVa));
}

} // namespace
} // namespace ia32emu
