// TLB model tests: reach, replacement, global pages across flushes, invlpg, large pages and
// fragments, the second level, stale-entry detection data and parameter checks.
#include "emu/mmu/tlb.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ia32emu {
namespace {

TlbLevelParams level(uint32_t small_entries, uint32_t small_ways, uint32_t large_entries = 0,
                     uint32_t large_ways = 0, ReplacementPolicy policy = ReplacementPolicy::Lru) {
    TlbLevelParams p;
    p.name = "dtlb";
    p.small = {small_entries, small_ways};
    p.large = {large_entries, large_ways};
    p.policy = policy;
    return p;
}

TlbEntry page4k(uint32_t va, uint64_t pa, bool global = false) {
    TlbEntry e;
    e.va_base = va & ~0xfffu;
    e.pa_base = pa & ~uint64_t(0xfff);
    e.flags.writable = true;
    e.flags.global = global;
    e.pte_pa = 0x1000 + (va >> 12) * 4;
    e.pte_value = (pa & ~uint64_t(0xfff)) | 0x23;
    return e;
}

TlbEntry large(uint32_t va, uint64_t pa, uint8_t shift) {
    TlbEntry e = page4k(va, pa);
    uint32_t mask = (uint32_t(1) << shift) - 1;
    e.va_base = va & ~mask;
    e.pa_base = pa & ~uint64_t(mask);
    e.page_shift = shift;
    e.origin_shift = shift;
    return e;
}

// Touch `pages` consecutive pages `passes` times, walking (inserting) on each miss.
uint64_t sweep(Tlb &tlb, uint32_t pages, int passes) {
    uint64_t misses = 0;
    for (int pass = 0; pass < passes; ++pass) {
        for (uint32_t i = 0; i < pages; ++i) {
            uint32_t va = 0x4000'0000 + i * 0x1000;
            if (tlb.lookup(va).entry == nullptr) {
                ++misses;
                tlb.insert(page4k(va, 0x10'0000 + i * 0x1000), va);
            }
        }
    }
    return misses;
}

TEST(TlbReach, WithinReachOnlyColdMisses) {
    Tlb full(level(32, 32));
    EXPECT_EQ(sweep(full, 32, 10), 32u);
    Tlb assoc(level(64, 4));
    EXPECT_EQ(sweep(assoc, 64, 10), 64u);
    EXPECT_EQ(assoc.first().stats().accesses, 640u);
    EXPECT_EQ(assoc.first().stats().misses, 64u);
}

TEST(TlbReach, BeyondReachWithLruMissesEveryAccess) {
    Tlb full(level(32, 32));
    EXPECT_EQ(sweep(full, 33, 10), 330u);
    Tlb assoc(level(64, 4));
    EXPECT_EQ(sweep(assoc, 128, 10), 1280u);
}

TEST(TlbReach, WideFullyAssociativeArrayStaysExact) {
    // 128 ways use the page index; collisions in it (pages 256 apart) must not lose hits.
    Tlb tlb(level(128, 128));
    EXPECT_EQ(sweep(tlb, 128, 5), 128u);
    Tlb over(level(128, 128));
    EXPECT_EQ(sweep(over, 129, 3), 129u * 3);
    Tlb alias(level(128, 128));
    for (uint32_t va : {0x0u, 0x10'0000u, 0x20'0000u}) alias.insert(page4k(va, va + 0x5000), va);
    for (int i = 0; i < 4; ++i)
        for (uint32_t va : {0x0u, 0x10'0000u, 0x20'0000u}) {
            const TlbEntry *e = alias.lookup(va + 0x123).entry;
            ASSERT_NE(e, nullptr);
            EXPECT_EQ(e->translate(va + 0x123), va + 0x5123u);
        }
}

TEST(TlbReplacement, TreePlruEvictsWhatLruWouldNot) {
    auto run = [](ReplacementPolicy policy) {
        Tlb tlb(level(4, 4, 0, 0, policy));
        for (uint32_t p = 0; p < 4; ++p) tlb.insert(page4k(p << 12, p << 12), p << 12);
        EXPECT_NE(tlb.lookup(0).entry, nullptr);
        tlb.insert(page4k(4 << 12, 0), 4 << 12);
        return std::pair(tlb.first().find(1 << 12) != nullptr, tlb.first().find(2 << 12) != nullptr);
    };
    // After A B C D then A: LRU evicts B; the tree points at C.
    EXPECT_EQ(run(ReplacementPolicy::Lru), std::pair(false, true));
    EXPECT_EQ(run(ReplacementPolicy::TreePlru), std::pair(true, false));
}

TEST(TlbFlush, GlobalEntriesSurviveCr3Write) {
    Tlb tlb(level(16, 4, 4, 4));
    tlb.insert(page4k(0xc000'0000, 0x0, true), 0xc000'0000);
    tlb.insert(page4k(0x0804'8000, 0x5000, false), 0x0804'8000);
    TlbEntry big = large(0xc040'0000, 0x40'0000, 22);
    big.flags.global = true;
    tlb.insert(big, 0xc040'0000);
    tlb.flush(true);
    EXPECT_NE(tlb.first().find(0xc000'0000), nullptr);
    EXPECT_NE(tlb.first().find(0xc050'0000), nullptr);
    EXPECT_EQ(tlb.first().find(0x0804'8000), nullptr);
    tlb.flush(false);
    EXPECT_EQ(tlb.first().find(0xc000'0000), nullptr);
    EXPECT_EQ(tlb.first().find(0xc050'0000), nullptr);
}

TEST(TlbFlush, InvlpgDropsOnlyThatPage) {
    Tlb tlb(level(16, 4, 4, 4));
    tlb.insert(page4k(0x1000, 0x1000, true), 0x1000);
    tlb.insert(page4k(0x2000, 0x2000), 0x2000);
    tlb.insert(large(0x40'0000, 0x80'0000, 22), 0x40'0000);
    tlb.invlpg(0x1fff);
    EXPECT_EQ(tlb.first().find(0x1000), nullptr);
    EXPECT_NE(tlb.first().find(0x2000), nullptr);
    tlb.invlpg(0x7f'f000);
    EXPECT_EQ(tlb.first().find(0x40'0000), nullptr);
}

// A lookup of the page the last lookup hit is answered without a search; every change to the
// level must reach it: the evicted, flushed or invalidated page misses on its very next lookup.
TEST(TlbFlush, TheLastPageLookedUpMissesRightAfterItLeaves) {
    Tlb tlb(level(4, 4, 4, 4));
    for (uint32_t p = 0; p < 4; ++p) tlb.insert(page4k(p << 12, 0x10'0000 + (p << 12)), p << 12);
    for (uint32_t p = 1; p < 4; ++p) ASSERT_NE(tlb.lookup(p << 12).entry, nullptr);
    ASSERT_NE(tlb.lookup(0x0abc).entry, nullptr);
    ASSERT_NE(tlb.lookup(0x0def).entry, nullptr);
    EXPECT_EQ(tlb.lookup(0x0def).entry->translate(0x0def), 0x10'0defu);
    // Page 0 is now the most recent, 1 the least: a fifth page evicts 1, so 0 must still hit.
    tlb.insert(page4k(4 << 12, 0x20'0000), 4 << 12);
    EXPECT_EQ(tlb.lookup(0x0abc).entry->translate(0x0abc), 0x10'0abcu);
    EXPECT_EQ(tlb.lookup(1 << 12).entry, nullptr);
    tlb.invlpg(0x0abc);
    EXPECT_EQ(tlb.lookup(0x0abc).entry, nullptr);
    EXPECT_EQ(tlb.lookup(0x40'1234).entry, nullptr);
    tlb.insert(large(0x40'0000, 0x80'0000, 22), 0x40'0000);
    EXPECT_EQ(tlb.lookup(0x40'1234).entry->translate(0x40'1234), 0x80'1234u);
    EXPECT_EQ(tlb.lookup(0x7f'ffff).entry->translate(0x7f'ffff), 0xbf'ffffu);
    tlb.flush(false);
    EXPECT_EQ(tlb.lookup(0x40'1234).entry, nullptr);
    // A page remapped in place is found with its new frame.
    tlb.insert(page4k(0x3000, 0x30'0000), 0x3000);
    EXPECT_EQ(tlb.lookup(0x3000).entry->translate(0x3000), 0x30'0000u);
    tlb.insert(page4k(0x3000, 0x31'0000), 0x3000);
    EXPECT_EQ(tlb.lookup(0x3000).entry->translate(0x3000), 0x31'0000u);
    EXPECT_EQ(tlb.first().stats().accesses, 15u);
    // Direct-mapped: the page looked up last is the one a fill of its set evicts.
    Tlb direct(level(4, 1));
    direct.insert(page4k(0x0000, 0x50'0000), 0x0000);
    ASSERT_NE(direct.lookup(0x0010).entry, nullptr);
    direct.insert(page4k(0x4000, 0x60'0000), 0x4000);
    EXPECT_EQ(direct.lookup(0x0010).entry, nullptr);
}

TEST(TlbLargePages, OneEntryCoversTheWholePage) {
    Tlb tlb(level(16, 4, 4, 4));
    uint64_t misses = 0;
    for (uint32_t va = 0xc000'0000; va < 0xc040'0000; va += 0x1000) {
        TlbLookup hit = tlb.lookup(va);
        if (!hit.entry) {
            ++misses;
            tlb.insert(large(va, 0x0, 22), va);
        } else {
            EXPECT_EQ(hit.entry->translate(va + 4), uint64_t(va - 0xc000'0000 + 4));
        }
    }
    EXPECT_EQ(misses, 1u);
    // Switching to 2 MiB pages (PAE) empties the large array rather than mixing sizes.
    tlb.insert(large(0x20'0000, 0x60'0000, 21), 0x20'0000);
    EXPECT_EQ(tlb.first().find(0xc000'0000), nullptr);
    const TlbEntry *e = tlb.first().find(0x3f'ffff);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->translate(0x3f'ffff), 0x7f'ffffu);
    EXPECT_EQ(tlb.first().find(0x40'0000), nullptr);
}

TEST(TlbLargePages, LevelWithoutLargeArrayHoldsFragments) {
    Tlb itlb(level(32, 4));
    TlbEntry big = large(0xc000'0000, 0x0, 22);
    const TlbEntry *frag = itlb.insert(big, 0xc012'3456);
    ASSERT_NE(frag, nullptr);
    EXPECT_EQ(frag->page_shift, 12);
    EXPECT_EQ(frag->va_base, 0xc012'3000u);
    EXPECT_EQ(frag->translate(0xc012'3456), 0x12'3456u);
    EXPECT_EQ(itlb.lookup(0xc012'3000).level, 1);
    EXPECT_EQ(itlb.lookup(0xc012'4000).entry, nullptr);
    // INVLPG anywhere in the large page drops its fragments.
    itlb.invlpg(0xc03f'f000);
    EXPECT_EQ(itlb.first().find(0xc012'3000), nullptr);
}

TEST(TlbSecondLevel, MissHitsStlbThenRefillsFirstLevel) {
    TlbSystemParams p;
    p.itlb = level(4, 4);
    p.itlb.name = "itlb";
    p.dtlb = level(4, 4);
    p.has_stlb = true;
    p.stlb = level(64, 4);
    p.stlb.name = "stlb";
    p.stlb.hit_latency = 7;
    TlbSystem tlbs(p);
    Tlb &dtlb = tlbs.dtlb();
    for (uint32_t i = 0; i < 8; ++i) dtlb.insert(page4k(i << 12, i << 12), i << 12);
    // Pages 0-3 fell out of the 4-entry DTLB but are in the STLB.
    TlbLookup r = dtlb.lookup(0x0);
    EXPECT_EQ(r.level, 2);
    EXPECT_EQ(r.cycles, 7u);
    EXPECT_EQ(dtlb.lookup(0x0).level, 1);
    // The STLB is unified: the ITLB finds the DTLB's fills there.
    EXPECT_EQ(tlbs.itlb().lookup(0x5000).level, 2);
    EXPECT_EQ(tlbs.stlb()->stats().accesses, 2u);
    EXPECT_EQ(tlbs.stlb()->stats().misses, 0u);
    EXPECT_EQ(dtlb.lookup(0x40'0000).level, 0);
    EXPECT_EQ(tlbs.stlb()->stats().misses, 1u);
    // INVLPG reaches every level; a CR3 write empties non-global entries everywhere.
    tlbs.invlpg(0x5000);
    EXPECT_EQ(tlbs.itlb().first().find(0x5000), nullptr);
    EXPECT_EQ(tlbs.stlb()->find(0x5000), nullptr);
    tlbs.flush(true);
    EXPECT_EQ(tlbs.stlb()->find(0x1000), nullptr);
    EXPECT_EQ(dtlb.lookup(0x0).level, 0);
}

TEST(TlbStale, EntryRemembersTheLeafItCameFrom) {
    WalkResult w;
    w.pa = 0x0055'5abc;
    w.page_shift = 12;
    w.flags.writable = true;
    w.leaf_pa = 0x200c;
    w.leaf_value = 0x0055'5023;
    w.leaf_bytes = 4;
    TlbEntry e = tlb_entry_from_walk(0x00c0'3abc, w);
    EXPECT_EQ(e.va_base, 0x00c0'3000u);
    EXPECT_EQ(e.pa_base, 0x0055'5000u);
    EXPECT_EQ(e.pte_pa, 0x200cu);
    EXPECT_EQ(e.pte_value, 0x0055'5023u);
    EXPECT_FALSE(pte_rewritten(e.pte_value, 0x0055'5003));  // guest cleared A
    EXPECT_FALSE(pte_rewritten(e.pte_value, 0x0055'5063));  // CPU set D
    EXPECT_TRUE(pte_rewritten(e.pte_value, 0x0066'6023));   // new frame
    EXPECT_TRUE(pte_rewritten(e.pte_value, 0x0055'5021));   // write permission removed
}

// SDM vol. 3, 4.10.4.3: granting a permission needs no invalidation (Linux relies on it when a
// write fault makes a page writable); taking one away does.
TEST(TlbStale, PermissionGrantedIsNotARewriteButPermissionTakenIs) {
    EXPECT_FALSE(pte_rewritten(0x0055'5061, 0x0055'5063));  // read-only made writable
    EXPECT_FALSE(pte_rewritten(0x0055'5061, 0x0055'5067));  // ... and user-accessible
    EXPECT_TRUE(pte_rewritten(0x0055'5067, 0x0055'5063));   // user access removed
    EXPECT_TRUE(pte_rewritten(0x0055'5061, 0x0066'6063));   // writable, but another frame
    EXPECT_TRUE(pte_rewritten(0x0055'5061, 0x0055'5073));   // cache-disable set
}

TEST(TlbParams, BadGeometryIsRejectedWithTheFieldName) {
    EXPECT_NE(tlb_level_params_error(level(0, 0)), "");
    EXPECT_NE(tlb_level_params_error(level(48, 5)).find("dtlb.small.entries"), std::string::npos);
    EXPECT_NE(tlb_level_params_error(level(48, 4)).find("power of two"), std::string::npos);
    EXPECT_NE(tlb_level_params_error(level(12, 12, 0, 0, ReplacementPolicy::TreePlru)).find("plru"),
              std::string::npos);
    EXPECT_EQ(tlb_level_params_error(level(48, 48)), "");
    EXPECT_THROW(Tlb(level(16, 3)), std::invalid_argument);
}

} // namespace
} // namespace ia32emu
