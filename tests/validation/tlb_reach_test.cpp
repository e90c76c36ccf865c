// TLB reach: one load per 4 KiB vmalloc page, many passes. As many pages as the DTLB holds miss
// only cold; one more, swept cyclically under LRU, misses on every access of the overfull set.
//
// The guest (guest/scenarios/validate_sweep.c, mem=vmalloc) drops every page's translation with
// invlpg before the first pass (region validate_sweep:first: one miss and one walk per page) and
// then sweeps `passes` times (validate_sweep:steady). vmalloc pages are virtually consecutive, so
// page i falls in DTLB set (v0 + i) mod sets; the per-set counts, hence the misses, do not depend
// on v0. Nothing else in the regions uses a 4 KiB page: code, stack and the page tables the walks
// read are in the direct map's 4 MiB pages, held in the separate large-page array.
//
// With a second-level TLB (the Atom preset), a first-level miss that hits there needs no walk: the
// DTLB counts every miss, the walks only the pages that also overflow the second level.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

struct TlbCase {
    const char *name;
    std::vector<std::string> args;
    uint64_t pages;
    uint64_t passes;
};

void PrintTo(const TlbCase &c, std::ostream *os) { *os << c.name; }

class TlbReachTest : public ValidationTest, public ::testing::WithParamInterface<TlbCase> {};

TEST_P(TlbReachTest, MissesOnlyColdWithinReachAndEveryPassBeyond) {
    const TlbCase &c = GetParam();
    std::string cmdline = "scenario=validate_sweep mem=vmalloc stride=4096 count=" + std::to_string(c.pages) +
                          " passes=" + std::to_string(c.passes) + " cold=1";
    ASSERT_NO_FATAL_FAILURE(run_scenario(cmdline, c.args));
    ASSERT_EQ(board().at("tlb").at("dtlb").value("replacement", ""), "lru");
    Geometry dtlb = tlb4k_geometry(board(), "dtlb");
    bool has_stlb = board().at("tlb").at("l2").at("entries_4k").get<uint64_t>() != 0;

    std::vector<uint64_t> pages = strided_blocks(0, 1, c.pages);
    std::vector<bool> dtlb_miss = cyclic_missers(dtlb, pages);
    uint64_t misses_per_pass = count_true(dtlb_miss);
    uint64_t walks_per_pass = misses_per_pass;
    if (has_stlb) {
        ASSERT_EQ(board().at("tlb").at("l2").value("replacement", ""), "lru");
        std::vector<uint64_t> reaching;
        for (uint64_t i = 0; i < c.pages; ++i)
            if (dtlb_miss[i]) reaching.push_back(pages[i]);
        walks_per_pass = count_true(cyclic_missers(tlb4k_geometry(board(), "l2"), reaching));
    }

    RegionCounts first, steady;
    ASSERT_NO_FATAL_FAILURE(region("validate_sweep:first", first));
    ASSERT_NO_FATAL_FAILURE(region("validate_sweep:steady", steady));
    EXPECT_EQ(first.dtlb_misses, c.pages) << describe(first);
    EXPECT_EQ(first.page_walks, c.pages) << describe(first);
    EXPECT_EQ(steady.dtlb_misses, c.passes * misses_per_pass) << describe(steady);
    EXPECT_EQ(steady.page_walks, c.passes * walks_per_pass) << describe(steady);
    EXPECT_EQ(first.tlb_flushes + steady.tlb_flushes, 0u);
}

const std::vector<std::string> kFullyAssociative64 = {"--set", "tlb.dtlb.entries_4k=64", "--set",
                                                      "tlb.dtlb.ways_4k=64", "--set", "tlb.l2.entries_4k=0"};

// Hand-checked expectations, so the predictor is not the only judge: 64 fully associative entries
// hold 64 pages (0 misses a pass) and lose all 65 of 65; the Pentium M's 128 entries in 32 sets of
// 4 take 128 consecutive pages, and with 129 one set gets 5 and misses 5 a pass; the Atom's
// 16-entry DTLB misses on all 17 pages but its 64-entry, 16-set second level catches them, and
// with 65 pages one second-level set gets 5.
INSTANTIATE_TEST_SUITE_P(
    Validation, TlbReachTest,
    ::testing::Values(TlbCase{"fully_associative_within_reach", kFullyAssociative64, 64, 50},
                      TlbCase{"fully_associative_one_beyond", kFullyAssociative64, 65, 50},
                      TlbCase{"pentium_m_within_reach", {"--board", "pentium-m"}, 128, 50},
                      TlbCase{"pentium_m_one_beyond", {"--board", "pentium-m"}, 129, 50},
                      TlbCase{"atom_second_level_catches", {"--board", "atom-n270"}, 17, 50},
                      TlbCase{"atom_second_level_overflows", {"--board", "atom-n270"}, 65, 50}),
    [](const ::testing::TestParamInfo<TlbCase> &p) { return std::string(p.param.name); });

TEST(TlbReachPredictorTest, MatchesTheHandCounts) {
    auto per_pass = [](Geometry g, uint64_t pages) { return count_true(cyclic_missers(g, strided_blocks(7, 1, pages))); };
    EXPECT_EQ(per_pass({1, 64, 4096}, 64), 0u);
    EXPECT_EQ(per_pass({1, 64, 4096}, 65), 65u);
    EXPECT_EQ(per_pass({32, 4, 4096}, 128), 0u);
    EXPECT_EQ(per_pass({32, 4, 4096}, 129), 5u);
    EXPECT_EQ(per_pass({1, 16, 4096}, 17), 17u);
}

} // namespace
} // namespace ia32emu::test
