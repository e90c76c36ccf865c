// StaleTlbChecker without an engine: an entry filled from a PTE in RAM, the guest rewriting that
// PTE, and the entry's next use. Only a change of the translation counts (not Accessed/Dirty),
// each new PTE value is reported once, and an invalidation or an eviction clears the suspicion.
#include "emu/mmu/stale_tlb_checker.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

constexpr uint64_t kPtePa = 0x3000 + 4 * 5;   // the PTE of page 5 in a page table at 0x3000
constexpr uint32_t kVa = 0x5000;

struct Rig {
    Rig() : ram(1 << 20), checker(PhysView{ram.data(), ram.size()}), dtlb(small_dtlb()) {
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
    void write_pte(uint32_t value) {
        std::memcpy(ram.data() + kPtePa, &value, sizeof value);
        checker.on_write(kPtePa, sizeof value, dtlb);
    }
    std::vector<uint8_t> ram;
    StaleTlbChecker checker;
    Tlb dtlb;
    TlbEntry entry;
    const TlbEntry *held = nullptr;
};

TEST(StaleTlbChecker, ARewrittenPteIsReportedOnTheEntrysNextUseOnce) {
    Rig rig;
    EXPECT_FALSE(rig.checker.on_hit(*rig.held));
    rig.write_pte(0x00009000 | kPteP | kPteRw);
    std::optional<StaleTranslation> stale = rig.checker.on_hit(*rig.held);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->pte_pa, kPtePa);
    EXPECT_EQ(stale->remembered, uint64_t(0x00007000 | kPteP | kPteRw));
    EXPECT_EQ(stale->now, uint64_t(0x00009000 | kPteP | kPteRw));
    // The same value written again is not news; a different one is.
    rig.write_pte(0x00009000 | kPteP | kPteRw);
    EXPECT_FALSE(rig.checker.on_hit(*rig.held));
    rig.write_pte(0x0000a000 | kPteP | kPteRw);
    EXPECT_TRUE(rig.checker.on_hit(*rig.held));
}

TEST(StaleTlbChecker, AccessedAndDirtyChangesAreNoRewrite) {
    Rig rig;
    rig.write_pte(0x00007000 | kPteP | kPteRw | kPteA | kPteD);
    EXPECT_FALSE(rig.checker.on_hit(*rig.held));
    EXPECT_FALSE(rig.checker.rewritten_pte(*rig.held));
}

TEST(StaleTlbChecker, InvalidatingOrEvictingTheEntryClearsTheSuspicion) {
    Rig invalidated;
    invalidated.write_pte(0x00009000 | kPteP | kPteRw);
    invalidated.checker.on_invlpg(kVa);
    EXPECT_FALSE(invalidated.checker.on_hit(*invalidated.held));

    Rig evicted;
    evicted.dtlb.invlpg(kVa);   // gone before the write: the next use walks and fills afresh
    evicted.write_pte(0x00009000 | kPteP | kPteRw);
    EXPECT_FALSE(evicted.checker.on_hit(evicted.entry));
}

} // namespace
} // namespace ia32emu
