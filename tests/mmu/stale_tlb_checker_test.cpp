// StaleTlbChecker without an engine: an entry filled from a PTE in RAM, the guest rewriting that
// PTE, and the entry's next use. Only a change of the translation counts (not Accessed/Dirty, nor
// a rewrite of tables the CPU no longer uses when the current ones agree), each new PTE value is
// reported once, and an invalidation or an eviction clears the suspicion.
#include "emu/mmu/stale_tlb_checker.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

constexpr uint32_t kPd = 0x2000;                // CR3: its first PDE points at the page table
constexpr uint64_t kPtePa = 0x3000 + 4 * 5;   // the PTE of page 5 in a page table at 0x3000
constexpr uint32_t kVa = 0x5000;

struct Rig {
    Rig() : ram(1 << 20), checker(PhysView{ram.data(), ram.size()}), dtlb(small_dtlb()) {
        put(kPd, 0x3000 | kPteP | kPteRw);
        write_pte(0x00007000 | kPteP | kPteRw);
        entry.va_base = kVa;
        entry.pa_base = 0x7000;
        entry.pte_pa = kPtePa;
        entry.pte_value = 0x00007000 | kPteP | kPteRw;
        held = dtlb.insert(entry, kVa);
        checker.on_fill(*held);
    }
    static TlbLevelParams small_dtlb() {
        TlbLevelParams p;
        p.name = "dtlb";
        p.small = {4, 4};
        return p;
    }
    void put(uint64_t pa, uint32_t value) { std::memcpy(ram.data() + pa, &value, sizeof value); }
    void write_pte(uint32_t value) {
        put(kPtePa, value);
        checker.on_write(kPtePa, sizeof value, dtlb);
    }
    std::optional<StaleTranslation> hit(const TlbEntry &e) {
        return checker.on_hit(e, [this] { return regs; });
    }
    PagingRegs regs{kCr0Pg, kPd, 0};
    std::vector<uint8_t> ram;
    StaleTlbChecker checker;
    Tlb dtlb;
    TlbEntry entry;
    const TlbEntry *held = nullptr;
};

TEST(StaleTlbChecker, ARewrittenPteIsReportedOnTheEntrysNextUseOnce) {
    Rig rig;
    EXPECT_FALSE(rig.hit(*rig.held));
    rig.write_pte(0x00009000 | kPteP | kPteRw);
    std::optional<StaleTranslation> stale = rig.hit(*rig.held);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->pte_pa, kPtePa);
    EXPECT_EQ(stale->remembered, uint64_t(0x00007000 | kPteP | kPteRw));
    EXPECT_EQ(stale->now, uint64_t(0x00009000 | kPteP | kPteRw));
    // The same value written again is not news; a different one is.
    rig.write_pte(0x00009000 | kPteP | kPteRw);
    EXPECT_FALSE(rig.hit(*rig.held));
    rig.write_pte(0x0000a000 | kPteP | kPteRw);
    EXPECT_TRUE(rig.hit(*rig.held));
}

TEST(StaleTlbChecker, AccessedAndDirtyChangesAreNoRewrite) {
    Rig rig;
    rig.write_pte(0x00007000 | kPteP | kPteRw | kPteA | kPteD);
    EXPECT_FALSE(rig.hit(*rig.held));
    EXPECT_FALSE(rig.checker.rewritten_pte(*rig.held));
}

TEST(StaleTlbChecker, InvalidatingOrEvictingTheEntryClearsTheSuspicion) {
    Rig invalidated;
    invalidated.write_pte(0x00009000 | kPteP | kPteRw);
    invalidated.checker.on_invlpg(kVa);
    EXPECT_FALSE(invalidated.hit(*invalidated.held));

    Rig evicted;
    evicted.dtlb.invlpg(kVa);   // gone before the write: the next use walks and fills afresh
    evicted.write_pte(0x00009000 | kPteP | kPteRw);
    EXPECT_FALSE(evicted.hit(evicted.entry));
}

// Another page directory became current (CR3 written; the entry is global, so it stayed), and
// the table the entry came from is then reused and zeroed: hardware still translates as the
// current tables do, so only a current mapping that differs is a stale translation.
TEST(StaleTlbChecker, RewritingTablesNoLongerInUseIsStaleOnlyWhereTheCurrentOnesDiffer) {
    for (uint32_t frame_now : {0x7000u, 0x9000u}) {
        Rig rig;
        rig.put(0x4000, 0x6000 | kPteP | kPteRw);        // the new directory's own page table
        rig.put(0x6000 + 4 * 5, frame_now | kPteP | kPteRw);
        rig.regs.cr3 = 0x4000;
        rig.write_pte(0);
        std::optional<StaleTranslation> stale = rig.hit(*rig.held);
        EXPECT_EQ(stale.has_value(), frame_now != 0x7000u) << std::hex << frame_now;
    }
    // Current tables that map the page read-only do not agree with a writable entry.
    Rig narrower;
    narrower.put(0x4000, 0x6000 | kPteP | kPteRw);
    narrower.put(0x6000 + 4 * 5, 0x7000 | kPteP);
    narrower.regs.cr3 = 0x4000;
    narrower.write_pte(0);
    EXPECT_TRUE(narrower.hit(*narrower.held));
}

} // namespace
} // namespace ia32emu
