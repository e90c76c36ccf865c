// Cache level tests: exact cold, capacity and conflict miss counts, dirty lines and writebacks,
// parameter checks.
#include "emu/cache/cache_level.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ia32emu {
namespace {

CacheParams l1(ReplacementPolicy policy = ReplacementPolicy::Lru) {
    CacheParams p;
    p.name = "l1d";
    p.size_bytes = 32 * 1024;
    p.ways = 8;
    p.line_bytes = 64;
    p.latency = 3;
    p.policy = policy;
    return p;
}

uint64_t sweep(CacheLevel &c, uint64_t base, uint64_t bytes, uint64_t stride, int passes, bool write = false) {
    uint64_t before = c.stats().misses;
    for (int pass = 0; pass < passes; ++pass)
        for (uint64_t off = 0; off < bytes; off += stride) c.access(base + off, write);
    return c.stats().misses - before;
}

TEST(CacheLevel, Geometry) {
    CacheLevel c(l1());
    EXPECT_EQ(c.sets(), 64u);
    EXPECT_EQ(c.ways(), 8u);
    EXPECT_EQ(c.line_bytes(), 64u);
    EXPECT_EQ(c.latency(), 3u);
}

TEST(CacheLevel, ArrayThatFitsMissesOnlyCold) {
    for (auto policy : {ReplacementPolicy::Lru, ReplacementPolicy::TreePlru, ReplacementPolicy::Fifo,
                        ReplacementPolicy::Random}) {
        CacheLevel c(l1(policy));
        EXPECT_EQ(sweep(c, 0x10'0000, 32 * 1024, 8, 5), 512u) << replacement_policy_name(policy);
        EXPECT_EQ(c.stats().accesses, 5u * 4096);
        EXPECT_EQ(c.stats().hits, 5u * 4096 - 512);
    }
}

TEST(CacheLevel, CyclicSweepBeyondCapacityMissesEveryLineWithLruAndFifo) {
    for (auto policy : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo}) {
        CacheLevel c(l1(policy));
        // One line more per set than the ways: 9/8 of the capacity.
        EXPECT_EQ(sweep(c, 0, 36 * 1024, 64, 4), 4u * 576) << replacement_policy_name(policy);
    }
}

TEST(CacheLevel, ConflictMissesWithStrideEqualToWaySize) {
    CacheLevel c(l1());
    const uint64_t way_size = 32 * 1024 / 8;
    // Eight lines in one set fit; nine thrash, though the cache is almost empty.
    EXPECT_EQ(sweep(c, 0, 8 * way_size, way_size, 10), 8u);
    CacheLevel d(l1());
    EXPECT_EQ(sweep(d, 0, 9 * way_size, way_size, 10), 90u);
}

TEST(CacheLevel, RandomPolicyIsDeterministic) {
    CacheLevel a(l1(ReplacementPolicy::Random)), b(l1(ReplacementPolicy::Random));
    uint64_t ma = sweep(a, 0, 40 * 1024, 64, 6), mb = sweep(b, 0, 40 * 1024, 64, 6);
    EXPECT_EQ(ma, mb);
    EXPECT_GT(ma, 640u);      // at least the cold misses
    EXPECT_LT(ma, 6u * 640);  // random keeps some lines a cyclic LRU sweep would lose
}

TEST(CacheLevel, WritebacksCountDirtyEvictionsOnly) {
    CacheLevel c(l1());
    sweep(c, 0, 32 * 1024, 64, 1, true);      // 512 dirty lines
    EXPECT_TRUE(c.is_dirty(0));
    sweep(c, 0x10'0000, 32 * 1024, 64, 1);    // evicts them all
    EXPECT_EQ(c.stats().writebacks, 512u);
    sweep(c, 0x20'0000, 32 * 1024, 64, 1);    // evicts clean lines
    EXPECT_EQ(c.stats().writebacks, 512u);
    // The victim's address is reported for the next level.
    CacheLevel d(l1());
    const uint64_t way_size = 4096;
    for (uint64_t i = 0; i < 8; ++i) d.access(i * way_size + 8, i == 3);
    // Reuse lines 0-2 so that line 3, the dirty one, becomes least recently used.
    d.access(0, false);
    d.access(way_size, false);
    d.access(2 * way_size, false);
    LineOutcome out = d.access(8 * way_size, false);
    EXPECT_FALSE(out.hit);
    EXPECT_TRUE(out.dirty_victim);
    EXPECT_EQ(out.victim_pa, 3 * way_size);
}

TEST(CacheLevel, AbsorbedWritebackMarksOrAllocatesDirty) {
    CacheLevel c(l1());
    c.access(0x40, false);
    EXPECT_TRUE(c.absorb_writeback(0x40).hit);
    EXPECT_TRUE(c.is_dirty(0x40));
    EXPECT_FALSE(c.absorb_writeback(0x8000).hit);
    EXPECT_TRUE(c.is_dirty(0x8000));
    EXPECT_EQ(c.stats().accesses, 1u);
    c.invalidate(0x8000);
    EXPECT_FALSE(c.contains(0x8000));
    uint64_t drained = 0;
    c.drain([&](uint64_t pa) {
        EXPECT_EQ(pa, 0x40u);
        ++drained;
    });
    EXPECT_EQ(drained, 1u);
    EXPECT_EQ(c.stats().writebacks, 1u);
    EXPECT_FALSE(c.contains(0x40));
}

TEST(CacheLevel, BadParamsNameTheField) {
    CacheParams p = l1();
    p.line_bytes = 48;
    EXPECT_NE(cache_params_error(p).find("l1d.line_bytes"), std::string::npos);
    p = l1();
    p.size_bytes = 24 * 1024;
    EXPECT_NE(cache_params_error(p).find("power of two"), std::string::npos);
    p = l1();
    p.size_bytes = 1000;
    EXPECT_NE(cache_params_error(p).find("l1d.size_bytes"), std::string::npos);
    p = l1(ReplacementPolicy::TreePlru);
    p.ways = 12;
    p.size_bytes = 12 * 64 * 64;
    EXPECT_NE(cache_params_error(p).find("plru"), std::string::npos);
    p.policy = ReplacementPolicy::Lru;
    EXPECT_EQ(cache_params_error(p), "");
    p.ways = 0;
    EXPECT_THROW(CacheLevel{p}, std::invalid_argument);
}

} // namespace
} // namespace ia32emu
