// Strided sweeps over arrays that fit L1D, fit L2, exceed L2, or pile into one set: the region's
// L1D and L2 misses equal the cold plus capacity/conflict misses the board's geometry predicts.
// The L2 stream prefetcher is switched off: it turns the sequential cases' L2 misses into hits on
// prefetched lines, and this test checks the geometry and replacement, not the prefetcher
// (tests/cache/stream_prefetcher_test.cpp and the bandwidth validation do).
//
// The guest (guest/scenarios/validate_sweep.c) empties the caches with wbinvd, makes one pass
// (region validate_sweep:first: every line misses every level once) and then `passes` more
// (validate_sweep:steady). Both levels are switched to exact LRU, under which a cyclic sweep has a
// closed form: a set receiving more of the array's lines than it has ways misses on all of them
// every pass, any other set never misses (cyclic_missers). L2 sees only what misses L1D.
//
// Set indices come from the array's offsets alone. That is exact here: the buffer comes from the
// buddy allocator, whose blocks are aligned to their size, and every case either has a buffer at
// least as large as an L2 way or touches fewer consecutive lines than L2 has sets.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

struct CacheCase {
    const char *name;
    const char *board;
    uint64_t stride;
    uint64_t count;
    uint64_t passes;
};

void PrintTo(const CacheCase &c, std::ostream *os) { *os << c.name; }

class CacheStrideTest : public ValidationTest, public ::testing::WithParamInterface<CacheCase> {};

TEST_P(CacheStrideTest, MissesEqualTheAnalyticCount) {
    const CacheCase &c = GetParam();
    std::string cmdline = "scenario=validate_sweep mem=direct stride=" + std::to_string(c.stride) +
                          " count=" + std::to_string(c.count) + " passes=" + std::to_string(c.passes) + " cold=1";
    ASSERT_NO_FATAL_FAILURE(run_scenario(cmdline, {"--board", c.board, "--set", "cache.l1d.replacement=lru", "--set",
                                                   "cache.l2.replacement=lru", "--set", "prefetch.streams=0"}));
    ASSERT_EQ(board().at("cache").at("l1d").value("replacement", ""), "lru");
    ASSERT_EQ(board().at("cache").at("l2").value("replacement", ""), "lru");
    ASSERT_EQ(board().at("prefetch").value("streams", 1u), 0u);
    Geometry l1 = cache_geometry(board(), "l1d");
    Geometry l2 = cache_geometry(board(), "l2");
    ASSERT_GE(c.stride, l2.line) << "the analysis assumes one load per line";

    // Cold pass: each line misses L1D once and, the caches having been emptied, L2 once.
    RegionCounts first;
    ASSERT_NO_FATAL_FAILURE(region("validate_sweep:first", first));
    EXPECT_WITHIN_1_PERCENT(first.l1d_misses, c.count) << describe(first);
    EXPECT_WITHIN_1_PERCENT(first.l2_misses, c.count) << describe(first);

    // Steady passes: the lines in overfull L1D sets miss L1D; those in overfull L2 sets (counting
    // only lines that reach L2) miss L2 as well.
    std::vector<bool> l1_miss = cyclic_missers(l1, strided_blocks(0, c.stride / l1.line, c.count));
    std::vector<uint64_t> reaching_l2;
    for (uint64_t i = 0; i < c.count; ++i)
        if (l1_miss[i]) reaching_l2.push_back(i * c.stride / l2.line);
    uint64_t l1_per_pass = count_true(l1_miss);
    uint64_t l2_per_pass = count_true(cyclic_missers(l2, reaching_l2));

    RegionCounts steady;
    ASSERT_NO_FATAL_FAILURE(region("validate_sweep:steady", steady));
    EXPECT_WITHIN_1_PERCENT(steady.l1d_misses, c.passes * l1_per_pass) << describe(steady);
    EXPECT_WITHIN_1_PERCENT(steady.l2_misses, c.passes * l2_per_pass) << describe(steady);
    // The array sits in one or two of the direct map's 4 MiB pages, whose entries the guest
    // loaded before the regions: no walk, so no PDE read adds a cache access.
    EXPECT_EQ(first.page_walks + steady.page_walks, 0u);
    // 4 instructions a load, 3 a pass, and the mov that loads the end marker's port: a region
    // runs from just after its begin marker to just before its end marker.
    EXPECT_EQ(steady.instructions, c.passes * (4 * c.count + 3) + 1) << describe(steady);
}

// Pentium M: L1D 32 KiB, 8 ways, 64 sets; L2 2 MiB, 8 ways, 4096 sets (a 256 KiB way).
// Atom N270: L1D 24 KiB, 6 ways, 64 sets; L2 512 KiB, 8 ways, 1024 sets (a 64 KiB way).
INSTANTIATE_TEST_SUITE_P(
    Validation, CacheStrideTest,
    ::testing::Values(CacheCase{"pentium_m_fits_l1d", "pentium-m", 64, 256, 8},
                      CacheCase{"pentium_m_fits_l2", "pentium-m", 64, 8192, 4},
                      CacheCase{"pentium_m_exceeds_l2", "pentium-m", 64, 65536, 3},
                      CacheCase{"pentium_m_l1d_set_full", "pentium-m", 4096, 8, 100},
                      CacheCase{"pentium_m_l1d_set_conflict", "pentium-m", 4096, 9, 100},
                      CacheCase{"pentium_m_l2_set_conflict", "pentium-m", 256 << 10, 9, 100},
                      CacheCase{"atom_fits_l1d", "atom-n270", 64, 256, 8},
                      CacheCase{"atom_fits_l2", "atom-n270", 64, 4096, 4},
                      CacheCase{"atom_exceeds_l2", "atom-n270", 64, 16384, 3},
                      CacheCase{"atom_l1d_set_conflict", "atom-n270", 4096, 7, 100}),
    [](const ::testing::TestParamInfo<CacheCase> &p) { return std::string(p.param.name); });

// The predictor itself, on a case small enough to count by hand: 2 sets of 2 ways, blocks 0..4
// put three blocks (0, 2, 4) into set 0, which overflows, and two (1, 3) into set 1, which fits.
TEST(CyclicMissersTest, OnlyOverfullSetsMiss) {
    std::vector<bool> miss = cyclic_missers(Geometry{2, 2, 64}, strided_blocks(0, 1, 5));
    EXPECT_EQ(miss, (std::vector<bool>{true, false, true, false, true}));
}

} // namespace
} // namespace ia32emu::test
