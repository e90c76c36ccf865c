// Page-table walker tests over hand-built tables in a byte array: each mode and page size,
// permissions, Accessed/Dirty updates, faults with their #PF error codes, entries outside RAM.
#include "emu/mmu/page_walker.h"

#include <gtest/gtest.h>

#include <vector>

namespace ia32emu {
namespace {

constexpr uint32_t P = kPteP, RW = kPteRw, US = kPteUs, PWT = kPtePwt, PCD = kPtePcd, A = kPteA, D = kPteD,
                   PS = kPtePs, G = kPteG;

class WalkerTest : public ::testing::Test {
protected:
    std::vector<uint8_t> ram = std::vector<uint8_t>(1 << 20, 0);

    void put32(uint64_t pa, uint32_t v) {
        for (int i = 0; i < 4; ++i) ram[pa + i] = uint8_t(v >> (8 * i));
    }
    void put64(uint64_t pa, uint64_t v) {
        for (int i = 0; i < 8; ++i) ram[pa + i] = uint8_t(v >> (8 * i));
    }
    PhysView view() const { return {ram.data(), ram.size()}; }
    WalkResult walk(const PagingRegs &regs, uint32_t la, AccessKind kind = AccessKind::Read,
                    Privilege priv = Privilege::Supervisor) {
        return walk_page_tables(view(), regs, la, kind, priv);
    }
};

// 32-bit paging: page directory at 0x1000, page table at 0x2000.
constexpr uint32_t kPd = 0x1000, kPt = 0x2000;
constexpr uint32_t kLa = 0x00c0'3abc; // PDE 3, PTE 3, offset 0xabc
const PagingRegs kPaging32{kCr0Pg, kPd, 0};

TEST_F(WalkerTest, PagingOffIsIdentity) {
    WalkResult r = walk({0, 0, 0}, 0xdeadbeef, AccessKind::Write, Privilege::User);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.pa, 0xdeadbeefu);
    EXPECT_EQ(r.num_reads, 0);
    EXPECT_EQ(r.num_writes, 0);
}

TEST_F(WalkerTest, TwoLevel4kTranslatesAndReportsEntryReads) {
    put32(kPd + 3 * 4, kPt | P | RW | US);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | US);
    WalkResult r = walk(kPaging32, kLa);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.pa, 0x0055'5abcu);
    EXPECT_EQ(r.page_shift, 12);
    ASSERT_EQ(r.num_reads, 2);
    EXPECT_EQ(r.reads[0].pa, kPd + 12u);
    EXPECT_EQ(r.reads[0].level, EntryLevel::Pde);
    EXPECT_EQ(r.reads[0].value, kPt | P | RW | US);
    EXPECT_EQ(r.reads[1].pa, kPt + 12u);
    EXPECT_EQ(r.reads[1].level, EntryLevel::Pte);
    EXPECT_EQ(r.reads[1].bytes, 4);
    EXPECT_TRUE(r.flags.writable);
    EXPECT_TRUE(r.flags.user);
    EXPECT_FALSE(r.flags.dirty);
    EXPECT_EQ(r.leaf_pa, kPt + 12u);
    EXPECT_EQ(r.leaf_value, 0x0055'5000u | P | RW | US | A);
}

TEST_F(WalkerTest, ReadSetsAccessedWriteSetsDirtyAndWalkerWritesNothing) {
    put32(kPd + 3 * 4, kPt | P | RW);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW);
    std::vector<uint8_t> before = ram;

    WalkResult rd = walk(kPaging32, kLa, AccessKind::Read);
    ASSERT_TRUE(rd.ok());
    ASSERT_EQ(rd.num_writes, 2);
    EXPECT_EQ(rd.writes[0].pa, kPd + 12u);
    EXPECT_EQ(rd.writes[0].value, kPt | P | RW | A);
    EXPECT_EQ(rd.writes[1].pa, kPt + 12u);
    EXPECT_EQ(rd.writes[1].value, 0x0055'5000u | P | RW | A);

    WalkResult wr = walk(kPaging32, kLa, AccessKind::Write);
    ASSERT_TRUE(wr.ok());
    ASSERT_EQ(wr.num_writes, 2);
    EXPECT_EQ(wr.writes[1].value, 0x0055'5000u | P | RW | A | D);
    EXPECT_TRUE(wr.flags.dirty);
    EXPECT_EQ(ram, before);
}

TEST_F(WalkerTest, NoUpdatesWhenAccessedAndDirtyAlreadySet) {
    put32(kPd + 3 * 4, kPt | P | RW | A);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | A | D);
    WalkResult r = walk(kPaging32, kLa, AccessKind::Write);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.num_writes, 0);
    // A read through a clean page must not set D.
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | A);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Read).num_writes, 0);
}

TEST_F(WalkerTest, NotPresentErrorCodes) {
    // PDE not present.
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Read).status, WalkStatus::NotPresent);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Read).error_code, 0u);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Write).error_code, 2u);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Read, Privilege::User).error_code, 4u);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Write, Privilege::User).error_code, 6u);
    // Fetches carry no I/D bit (no NX, no SMEP).
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Fetch, Privilege::User).error_code, 4u);

    // PTE not present: the PDE was used, so its Accessed update is still reported.
    put32(kPd + 3 * 4, kPt | P | RW | US);
    WalkResult r = walk(kPaging32, kLa, AccessKind::Write, Privilege::User);
    EXPECT_EQ(r.status, WalkStatus::NotPresent);
    EXPECT_EQ(r.error_code, 6u);
    ASSERT_EQ(r.num_writes, 1);
    EXPECT_EQ(r.writes[0].pa, kPd + 12u);
}

TEST_F(WalkerTest, UserAccessToSupervisorPageIsProtectionFault) {
    put32(kPd + 3 * 4, kPt | P | RW | US);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW); // supervisor page
    WalkResult r = walk(kPaging32, kLa, AccessKind::Read, Privilege::User);
    EXPECT_EQ(r.status, WalkStatus::Protection);
    EXPECT_EQ(r.error_code, 5u);
    // The leaf is not marked accessed by a refused access.
    ASSERT_EQ(r.num_writes, 1);
    EXPECT_EQ(r.writes[0].pa, kPd + 12u);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Write, Privilege::User).error_code, 7u);
    // The supervisor may use it.
    EXPECT_TRUE(walk(kPaging32, kLa, AccessKind::Read, Privilege::Supervisor).ok());
    // U/S is the AND of both levels.
    put32(kPd + 3 * 4, kPt | P | RW);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | US);
    EXPECT_EQ(walk(kPaging32, kLa, AccessKind::Read, Privilege::User).error_code, 5u);
}

TEST_F(WalkerTest, SupervisorWriteToReadOnlyDependsOnWp) {
    put32(kPd + 3 * 4, kPt | P | RW | US);
    put32(kPt + 3 * 4, 0x0055'5000 | P | US);
    PagingRegs no_wp = kPaging32;
    PagingRegs wp{kCr0Pg | kCr0Wp, kPd, 0};
    EXPECT_TRUE(walk(no_wp, kLa, AccessKind::Write).ok());
    WalkResult r = walk(wp, kLa, AccessKind::Write);
    EXPECT_EQ(r.status, WalkStatus::Protection);
    EXPECT_EQ(r.error_code, 3u);
    // A user write faults regardless of WP; reads are fine.
    EXPECT_EQ(walk(no_wp, kLa, AccessKind::Write, Privilege::User).error_code, 7u);
    EXPECT_TRUE(walk(wp, kLa, AccessKind::Read, Privilege::User).ok());
    // R/W is the AND of both levels.
    put32(kPd + 3 * 4, kPt | P | US);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | US);
    EXPECT_EQ(walk(wp, kLa, AccessKind::Write, Privilege::User).error_code, 7u);
    EXPECT_FALSE(walk(wp, kLa, AccessKind::Read).flags.writable);
}

TEST_F(WalkerTest, Pse4MiBPage) {
    const PagingRegs pse{kCr0Pg, kPd, kCr4Pse};
    put32(kPd + 3 * 4, 0x0840'0000 | P | RW | PS);
    WalkResult r = walk(pse, kLa, AccessKind::Write);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.page_shift, 22);
    EXPECT_EQ(r.pa, 0x0840'0000u + (kLa & 0x3fffff));
    ASSERT_EQ(r.num_reads, 1);
    ASSERT_EQ(r.num_writes, 1);
    EXPECT_EQ(r.writes[0].value, 0x0840'0000u | P | RW | PS | A | D);
    EXPECT_EQ(r.leaf_pa, kPd + 12u);

    // Without CR4.PSE the PS bit is ignored and the PDE points to a page table, here at
    // 0x08400000, outside RAM.
    WalkResult no_pse = walk(kPaging32, kLa);
    EXPECT_EQ(no_pse.status, WalkStatus::OutsideRam);
}

TEST_F(WalkerTest, Pse36HighAddressBitsAndReservedBits) {
    const PagingRegs pse{kCr0Pg, kPd, kCr4Pse};
    // Bits 16:13 carry physical bits 35:32 with MAXPHYADDR 36.
    put32(kPd + 3 * 4, 0x0840'0000 | (0x5u << 13) | P | PS);
    WalkResult r = walk(pse, kLa);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.pa, 0x5'0840'0000ull + (kLa & 0x3fffff));

    // Bit 17 is above MAXPHYADDR, bit 21 always reserved.
    for (uint32_t bit : {17u, 21u}) {
        put32(kPd + 3 * 4, 0x0840'0000 | (1u << bit) | P | PS);
        WalkResult bad = walk(pse, kLa, AccessKind::Read, Privilege::User);
        EXPECT_EQ(bad.status, WalkStatus::Reserved) << bit;
        EXPECT_EQ(bad.error_code, kPfErrP | kPfErrRsvd | kPfErrU) << bit;
    }
    // A larger MAXPHYADDR makes bit 17 an address bit.
    put32(kPd + 3 * 4, 0x0840'0000 | (1u << 17) | P | PS);
    WalkResult wide = walk_page_tables(view(), pse, kLa, AccessKind::Read, Privilege::Supervisor, 40);
    ASSERT_TRUE(wide.ok());
    EXPECT_EQ(wide.pa >> 32, 0x10u);
}

TEST_F(WalkerTest, GlobalOnlyWithPgeAndCacheabilityFlags) {
    put32(kPd + 3 * 4, kPt | P | RW | PCD);
    put32(kPt + 3 * 4, 0x0055'5000 | P | RW | G | PCD | PWT);
    WalkResult without = walk(kPaging32, kLa);
    ASSERT_TRUE(without.ok());
    EXPECT_FALSE(without.flags.global);
    EXPECT_TRUE(without.flags.pcd);
    EXPECT_TRUE(without.flags.pwt);
    WalkResult with = walk({kCr0Pg, kPd | kCr3Pcd, kCr4Pge}, kLa);
    ASSERT_TRUE(with.ok());
    EXPECT_TRUE(with.flags.global);
    // The directory read is uncached because of CR3.PCD, the table read because of PDE.PCD.
    EXPECT_FALSE(without.reads[0].uncached);
    EXPECT_TRUE(with.reads[0].uncached);
    EXPECT_TRUE(with.reads[1].uncached);
}

TEST_F(WalkerTest, EntriesOutsideRamAreNotPresent) {
    // The directory itself lies outside RAM.
    WalkResult r = walk({kCr0Pg, 0x4000'0000, 0}, kLa, AccessKind::Write);
    EXPECT_EQ(r.status, WalkStatus::OutsideRam);
    EXPECT_EQ(r.error_code, 2u);
    EXPECT_EQ(r.num_reads, 0);
    // A page table outside RAM.
    put32(kPd + 3 * 4, 0x8000'0000 | P | RW);
    EXPECT_EQ(walk(kPaging32, kLa).status, WalkStatus::OutsideRam);
    // An entry straddling the end of RAM: CR3 near the top, PDE index 1023 ends 4 bytes past.
    std::vector<uint8_t> small(0x1000 + 0x0ffe, 0);
    PhysView cut{small.data(), small.size()};
    WalkResult edge = walk_page_tables(cut, {kCr0Pg, 0x1000, 0}, 0xffc0'0000, AccessKind::Read, Privilege::Supervisor);
    EXPECT_EQ(edge.status, WalkStatus::OutsideRam);
    // A frame outside RAM is fine: it may be MMIO.
    put32(kPd + 3 * 4, kPt | P | RW);
    put32(kPt + 3 * 4, 0xfd00'0000 | P | RW);
    WalkResult mmio = walk(kPaging32, kLa);
    ASSERT_TRUE(mmio.ok());
    EXPECT_EQ(mmio.pa, 0xfd00'0abcu);
}

// PAE: PDPT at 0x1020 (CR3 bits 31:5), page directory at 0x3000, page table at 0x4000.
constexpr uint32_t kPdpt = 0x1020, kPaePd = 0x3000, kPaePt = 0x4000;
constexpr uint32_t kPaeLa = 0x8060'5abc; // PDPTE 2, PDE 3, PTE 5, offset 0xabc
const PagingRegs kPae{kCr0Pg, kPdpt, kCr4Pae};

TEST_F(WalkerTest, Pae4kTranslatesWithThreeReads) {
    put64(kPdpt + 2 * 8, kPaePd | P | PCD);
    put64(kPaePd + 3 * 8, kPaePt | P | RW | US);
    put64(kPaePt + 5 * 8, 0x8'1234'5000ull | P | RW | US);
    WalkResult r = walk(kPae, kPaeLa, AccessKind::Write, Privilege::User);
    ASSERT_TRUE(r.ok()) << int(r.status);
    EXPECT_EQ(r.pa, 0x8'1234'5abcull);
    ASSERT_EQ(r.num_reads, 3);
    EXPECT_EQ(r.reads[0].pa, kPdpt + 16u);
    EXPECT_EQ(r.reads[0].level, EntryLevel::Pdpte);
    EXPECT_EQ(r.reads[0].bytes, 8);
    EXPECT_EQ(r.reads[1].pa, kPaePd + 24u);
    EXPECT_TRUE(r.reads[1].uncached); // PDPTE.PCD
    EXPECT_EQ(r.reads[2].pa, kPaePt + 40u);
    EXPECT_FALSE(r.reads[2].uncached);
    // The PDPTE has no Accessed bit; PDE gets A, PTE gets A and D.
    ASSERT_EQ(r.num_writes, 2);
    EXPECT_EQ(r.writes[0].pa, kPaePd + 24u);
    EXPECT_EQ(r.writes[0].value, uint64_t(kPaePt | P | RW | US | A));
    EXPECT_EQ(r.writes[1].value, 0x8'1234'5000ull | P | RW | US | A | D);
    EXPECT_EQ(r.writes[1].bytes, 8);
    EXPECT_EQ(r.leaf_bytes, 8);
}

TEST_F(WalkerTest, Pae2MiBPage) {
    put64(kPdpt + 2 * 8, kPaePd | P);
    put64(kPaePd + 3 * 8, 0x0120'0000ull | P | PS | G);
    WalkResult r = walk({kCr0Pg, kPdpt, kCr4Pae | kCr4Pge}, kPaeLa);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.page_shift, 21);
    EXPECT_EQ(r.pa, 0x0120'0000ull + (kPaeLa & 0x1fffff));
    EXPECT_TRUE(r.flags.global);
    EXPECT_FALSE(r.flags.writable);
    EXPECT_EQ(r.num_reads, 2);
    // A supervisor write to the read-only large page with WP set faults.
    WalkResult w = walk({kCr0Pg | kCr0Wp, kPdpt, kCr4Pae}, kPaeLa, AccessKind::Write);
    EXPECT_EQ(w.error_code, 3u);
}

TEST_F(WalkerTest, PaeReservedBits) {
    put64(kPdpt + 2 * 8, kPaePd | P);
    put64(kPaePd + 3 * 8, kPaePt | P | RW);
    put64(kPaePt + 5 * 8, 0x5000 | P | RW);
    ASSERT_TRUE(walk(kPae, kPaeLa).ok());

    auto expect_rsvd = [&](const char *what) {
        WalkResult r = walk(kPae, kPaeLa, AccessKind::Write);
        EXPECT_EQ(r.status, WalkStatus::Reserved) << what;
        EXPECT_EQ(r.error_code, kPfErrP | kPfErrW | kPfErrRsvd) << what;
    };
    put64(kPaePt + 5 * 8, (1ull << 63) | 0x5000 | P | RW);
    expect_rsvd("NX bit with EFER.NXE=0");
    put64(kPaePt + 5 * 8, (1ull << 36) | 0x5000 | P | RW);
    expect_rsvd("PTE address bit at MAXPHYADDR");
    put64(kPaePt + 5 * 8, 0x5000 | P | RW);
    put64(kPaePd + 3 * 8, (1ull << 40) | kPaePt | P | RW);
    expect_rsvd("PDE address bit above MAXPHYADDR");
    put64(kPaePd + 3 * 8, 0x0120'0000ull | (1u << 13) | P | PS);
    expect_rsvd("2 MiB PDE bit 13");
    put64(kPaePd + 3 * 8, kPaePt | P | RW);
    put64(kPdpt + 2 * 8, kPaePd | P | RW);
    expect_rsvd("PDPTE R/W bit");
    // Not present wins over reserved bits.
    put64(kPdpt + 2 * 8, kPaePd | RW);
    EXPECT_EQ(walk(kPae, kPaeLa).status, WalkStatus::NotPresent);
}

TEST_F(WalkerTest, PaeNotPresentAtEachLevel) {
    EXPECT_EQ(walk(kPae, kPaeLa, AccessKind::Read, Privilege::User).error_code, 4u);
    put64(kPdpt + 2 * 8, kPaePd | P);
    EXPECT_EQ(walk(kPae, kPaeLa).status, WalkStatus::NotPresent);
    put64(kPaePd + 3 * 8, kPaePt | P | RW);
    WalkResult r = walk(kPae, kPaeLa, AccessKind::Write);
    EXPECT_EQ(r.status, WalkStatus::NotPresent);
    EXPECT_EQ(r.error_code, 2u);
    EXPECT_EQ(r.num_reads, 3);
    EXPECT_EQ(walk({kCr0Pg, 0xfff0'0000, kCr4Pae}, kPaeLa).status, WalkStatus::OutsideRam);
}

} // namespace
} // namespace ia32emu
