// PathAccounting: nearest-rank percentiles, deltas, nested callees, unwinds and regions.
#include "emu/timing/path_accounting.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

CounterSnapshot at(uint64_t cycles, uint64_t insns = 0) {
    CounterSnapshot s;
    s.cycles = cycles;
    s.instructions = insns;
    return s;
}

TEST(PathAccounting, NearestRankPercentiles) {
    std::vector<uint64_t> hundred;
    for (uint64_t i = 1; i <= 100; ++i) hundred.push_back(i);
    EXPECT_EQ(nearest_rank(hundred, 50), 50u);
    EXPECT_EQ(nearest_rank(hundred, 99), 99u);
    EXPECT_EQ(nearest_rank(hundred, 100), 100u);
    const std::vector<uint64_t> four = {10, 20, 30, 40};
    EXPECT_EQ(nearest_rank(four, 50), 20u);   // ceil(0.5 * 4) = 2nd
    EXPECT_EQ(nearest_rank(four, 99), 40u);   // ceil(3.96) = 4th
    EXPECT_EQ(nearest_rank(std::vector<uint64_t>{7}, 50), 7u);
    EXPECT_EQ(nearest_rank(std::vector<uint64_t>{}, 50), 0u);
    std::vector<uint64_t> two_hundred;
    for (uint64_t i = 1; i <= 200; ++i) two_hundred.push_back(i);
    EXPECT_EQ(nearest_rank(two_hundred, 99), 198u);
}

TEST(PathAccounting, SummarySortsItsSamples) {
    CycleSummary s = summarize_cycles({30, 10, 20, 1000});
    EXPECT_EQ(s.total, 1060u);
    EXPECT_DOUBLE_EQ(s.mean, 265.0);
    EXPECT_EQ(s.p50, 20u);
    EXPECT_EQ(s.p99, 1000u);
    EXPECT_EQ(s.max, 1000u);
    CycleSummary empty = summarize_cycles({});
    EXPECT_EQ(empty.total, 0u);
    EXPECT_EQ(empty.p99, 0u);
}

TEST(PathAccounting, OneCallCountsEveryDelta) {
    PathAccounting acc;
    auto id = acc.add_path("kmalloc");
    EXPECT_EQ(acc.add_path("kmalloc"), id);
    EXPECT_EQ(acc.find_path("kmalloc"), id);
    EXPECT_FALSE(acc.find_path("vmalloc"));

    CounterSnapshot start{100, 10, 1, 2, 3, 4, 5};
    CounterSnapshot end{350, 70, 4, 3, 5, 6, 6};
    acc.on_call(id, 0x8000, start);
    EXPECT_EQ(acc.open_calls(), 1u);
    EXPECT_EQ(acc.on_return(0x8004, end), 1u);
    EXPECT_EQ(acc.open_calls(), 0u);

    auto paths = acc.paths();
    ASSERT_EQ(paths.size(), 1u);
    const PathStats &p = paths[0];
    EXPECT_EQ(p.name, "kmalloc");
    EXPECT_EQ(p.calls, 1u);
    EXPECT_EQ(p.instructions, 60u);
    EXPECT_EQ(p.cycles.total, 250u);
    EXPECT_EQ(p.cycles.max, 250u);
    EXPECT_EQ(p.l1d_misses, 3u);
    EXPECT_EQ(p.l2_misses, 1u);
    EXPECT_EQ(p.dtlb_misses, 2u);
    EXPECT_EQ(p.page_walks, 2u);
    EXPECT_EQ(p.tlb_flushes, 1u);
    EXPECT_EQ(p.unwound, 0u);
    EXPECT_TRUE(p.callees.empty());
}

TEST(PathAccounting, NestedTrackedCallIsReportedAloneAndAsCallee) {
    PathAccounting acc;
    auto kmalloc = acc.add_path("kmalloc");
    auto cache_alloc = acc.add_path("kmem_cache_alloc");
    auto pages = acc.add_path("alloc_pages");

    acc.on_call(kmalloc, 0x9000, at(1000));
    acc.on_call(cache_alloc, 0x8f00, at(1010));
    acc.on_call(pages, 0x8e00, at(1020));
    acc.on_return(0x8e04, at(1120));        // alloc_pages: 100, inside kmem_cache_alloc
    acc.on_return(0x8f04, at(1200));        // kmem_cache_alloc: 190, inside kmalloc
    acc.on_call(cache_alloc, 0x8f00, at(1300));
    acc.on_return(0x8f04, at(1350));        // kmem_cache_alloc: 50, inside kmalloc
    acc.on_return(0x9004, at(1400));        // kmalloc: 400, at top level

    auto paths = acc.paths();
    ASSERT_EQ(paths.size(), 3u);
    EXPECT_EQ(paths[0].calls, 1u);
    EXPECT_EQ(paths[0].cycles.total, 400u);
    ASSERT_EQ(paths[0].callees.size(), 1u);
    EXPECT_EQ(paths[0].callees[0].name, "kmem_cache_alloc");
    EXPECT_EQ(paths[0].callees[0].calls, 2u);
    EXPECT_EQ(paths[0].callees[0].cycles, 240u);

    EXPECT_EQ(paths[1].calls, 2u);
    EXPECT_EQ(paths[1].cycles.total, 240u);
    EXPECT_EQ(paths[1].cycles.p50, 50u);
    EXPECT_EQ(paths[1].cycles.max, 190u);
    ASSERT_EQ(paths[1].callees.size(), 1u);
    EXPECT_EQ(paths[1].callees[0].name, "alloc_pages");
    EXPECT_EQ(paths[1].callees[0].cycles, 100u);

    EXPECT_EQ(paths[2].calls, 1u);
    EXPECT_TRUE(paths[2].callees.empty());
}

TEST(PathAccounting, UnwindClosesSkippedFrames) {
    PathAccounting acc;
    auto outer = acc.add_path("outer");
    auto inner = acc.add_path("inner");
    acc.on_call(outer, 0x7000, at(0));
    acc.on_call(inner, 0x6f00, at(10));
    // A return at an ESP still below the inner frame (a deeper function returning) closes nothing.
    EXPECT_EQ(acc.on_return(0x6e00, at(15)), 0u);
    // outer returns straight past inner, as after a longjmp out of inner.
    EXPECT_EQ(acc.on_return(0x7004, at(100)), 2u);
    auto paths = acc.paths();
    EXPECT_EQ(paths[0].calls, 1u);
    EXPECT_EQ(paths[0].unwound, 0u);
    EXPECT_EQ(paths[0].cycles.total, 100u);
    EXPECT_EQ(paths[1].calls, 1u);
    EXPECT_EQ(paths[1].unwound, 1u);
    EXPECT_EQ(paths[1].cycles.total, 90u);
    EXPECT_EQ(paths[0].callees.at(0).name, "inner");
}

// The inner call's 20 cycles are inside the outer call's 50: counted once, in the outer call.
TEST(PathAccounting, RecursionIsPartOfTheOuterCall) {
    PathAccounting acc;
    auto f = acc.add_path("f");
    auto g = acc.add_path("g");
    acc.on_call(f, 0x5000, at(0));
    acc.on_call(f, 0x4f00, at(10));
    EXPECT_EQ(acc.open_calls(), 1u);
    EXPECT_EQ(acc.on_return(0x4f04, at(30)), 0u);
    // Through another path too: f -> g -> f.
    acc.on_call(g, 0x4e00, at(32));
    acc.on_call(f, 0x4d00, at(34));
    EXPECT_EQ(acc.on_return(0x4d04, at(38)), 0u);
    EXPECT_EQ(acc.on_return(0x4e04, at(40)), 1u);
    EXPECT_EQ(acc.on_return(0x5004, at(50)), 1u);
    auto p = acc.paths().at(0);
    EXPECT_EQ(p.calls, 1u);
    EXPECT_EQ(p.cycles.total, 50u);
    ASSERT_EQ(p.callees.size(), 1u);
    EXPECT_EQ(p.callees.at(0).name, "g");
    EXPECT_EQ(acc.paths().at(1).cycles.total, 8u);
}

TEST(PathAccounting, RegionsNestAndCollectCallees) {
    PathAccounting acc;
    auto kmalloc = acc.add_path("kmalloc");
    acc.region_begin("bench", at(0, 0));
    acc.region_begin("kmalloc-32", at(5, 1));
    acc.on_call(kmalloc, 0x9000, at(10));
    acc.on_return(0x9004, at(30));
    EXPECT_TRUE(acc.region_end("kmalloc-32", at(40, 9)));
    EXPECT_FALSE(acc.region_end("kmalloc-32", at(41)));   // no longer open
    EXPECT_FALSE(acc.region_end("never", at(41)));
    acc.region_begin("inner", at(50));
    EXPECT_TRUE(acc.region_end("bench", at(100)));        // closes "inner" as unwound
    EXPECT_EQ(acc.open_regions(), 0u);

    auto regions = acc.regions();
    ASSERT_EQ(regions.size(), 3u);
    EXPECT_EQ(regions[0].name, "bench");
    EXPECT_EQ(regions[0].cycles.total, 100u);
    ASSERT_EQ(regions[0].callees.size(), 2u);
    EXPECT_EQ(regions[0].callees[0].name, "inner");
    EXPECT_EQ(regions[0].callees[1].name, "kmalloc-32");
    EXPECT_EQ(regions[1].name, "kmalloc-32");
    EXPECT_EQ(regions[1].instructions, 8u);
    EXPECT_EQ(regions[1].cycles.total, 35u);
    ASSERT_EQ(regions[1].callees.size(), 1u);
    EXPECT_EQ(regions[1].callees[0].name, "kmalloc");
    EXPECT_EQ(regions[2].unwound, 1u);
    EXPECT_EQ(acc.paths().at(0).calls, 1u);
}

TEST(PathAccounting, OpenCallsAtTheEndAreNotCounted) {
    PathAccounting acc;
    auto id = acc.add_path("vmalloc");
    acc.on_call(id, 0x1000, at(0));
    EXPECT_EQ(acc.paths().at(0).calls, 0u);
    EXPECT_EQ(acc.open_calls(), 1u);
}

} // namespace
} // namespace ia32emu
