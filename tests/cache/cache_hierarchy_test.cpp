// Cache hierarchy tests: analytic miss counts per level for strided sweeps, pointer-chase cycles
// per load equal to the configured latencies, split accesses, writebacks down to memory.
#include "emu/cache/cache_hierarchy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace ia32emu {
namespace {

CacheParams level(const char *name, uint64_t size, uint32_t ways, uint32_t latency) {
    CacheParams p;
    p.name = name;
    p.size_bytes = size;
    p.ways = ways;
    p.line_bytes = 64;
    p.latency = latency;
    return p;
}

// 32 KiB 8-way L1s (3 cycles), 256 KiB 8-way L2 (12), optional 2 MiB 16-way L3 (40), memory 150.
CacheHierarchyParams board(bool l3 = false) {
    CacheHierarchyParams p;
    p.l1i = level("l1i", 32 * 1024, 8, 3);
    p.l1d = level("l1d", 32 * 1024, 8, 3);
    p.l2 = level("l2", 256 * 1024, 8, 12);
    p.has_l3 = l3;
    p.l3 = level("l3", 2 * 1024 * 1024, 16, 40);
    p.memory_latency = 150;
    return p;
}

// Reads `bytes` from `base` with `stride`, `passes` times; returns the total cycles.
uint64_t sweep(CacheHierarchy &h, uint64_t base, uint64_t bytes, uint64_t stride, int passes,
               AccessKind kind = AccessKind::Read) {
    uint64_t cycles = 0;
    for (int pass = 0; pass < passes; ++pass)
        for (uint64_t off = 0; off < bytes; off += stride) cycles += h.access(base + off, kind, 4);
    return cycles;
}

TEST(CacheHierarchy, ArrayInL1MissesOnlyCold) {
    CacheHierarchy h(board());
    sweep(h, 0x100'0000, 16 * 1024, 4, 10);
    EXPECT_EQ(h.l1d().stats().accesses, 10u * 4096);
    EXPECT_EQ(h.l1d().stats().misses, 256u);
    EXPECT_EQ(h.l2().stats().accesses, 256u);
    EXPECT_EQ(h.l2().stats().misses, 256u);
    EXPECT_EQ(h.memory().line_reads, 256u);
    EXPECT_EQ(h.l1i().stats().accesses, 0u);
}

TEST(CacheHierarchy, ArrayBeyondL1InL2MissesL1EveryLineL2OnlyCold) {
    CacheHierarchy h(board());
    const uint64_t lines = 128 * 1024 / 64;
    sweep(h, 0, 128 * 1024, 64, 6);
    EXPECT_EQ(h.l1d().stats().misses, 6 * lines);
    EXPECT_EQ(h.l2().stats().accesses, 6 * lines);
    EXPECT_EQ(h.l2().stats().misses, lines);
    EXPECT_EQ(h.l2().stats().hits, 5 * lines);
    EXPECT_EQ(h.memory().line_reads, lines);
}

TEST(CacheHierarchy, ArrayBeyondL2MissesEverywhereEveryPass) {
    CacheHierarchy h(board());
    const uint64_t lines = 512 * 1024 / 64;
    sweep(h, 0, 512 * 1024, 64, 3);
    EXPECT_EQ(h.l1d().stats().misses, 3 * lines);
    EXPECT_EQ(h.l2().stats().misses, 3 * lines);
    EXPECT_EQ(h.memory().line_reads, 3 * lines);
}

TEST(CacheHierarchy, ConflictStrideEqualToL1WaySize) {
    CacheHierarchy h(board());
    // 9 lines 4 KiB apart share one L1 set (8 ways) but spread over L2's sets (32 KiB per way).
    sweep(h, 0, 9 * 4096, 4096, 20);
    EXPECT_EQ(h.l1d().stats().misses, 9u * 20);
    EXPECT_EQ(h.l2().stats().misses, 9u);
}

TEST(CacheHierarchy, PointerChaseCyclesPerLoadEqualTheLevelLatency) {
    struct Case {
        uint64_t bytes;
        bool l3;
        uint32_t expected;
    };
    for (Case c : {Case{16 * 1024, false, 3}, Case{128 * 1024, false, 12}, Case{1024 * 1024, false, 150},
                   Case{1024 * 1024, true, 40}, Case{8 * 1024 * 1024, true, 150}}) {
        CacheHierarchy h(board(c.l3));
        sweep(h, 0, c.bytes, 64, 2); // warm up
        const uint64_t loads = c.bytes / 64 * 4;
        EXPECT_EQ(sweep(h, 0, c.bytes, 64, 4), loads * c.expected) << c.bytes << " l3=" << c.l3;
    }
}

TEST(CacheHierarchy, SplitAccessTouchesBothLinesAndCostsAdd) {
    CacheHierarchy h(board());
    EXPECT_EQ(h.access(0x1000 - 2, AccessKind::Read, 4), 300u);
    EXPECT_EQ(h.l1d().stats().accesses, 2u);
    EXPECT_EQ(h.access(0x1000 - 2, AccessKind::Read, 4), 6u);
    EXPECT_EQ(h.access(0x1000 - 4, AccessKind::Read, 4), 3u);
    EXPECT_EQ(h.access(0x2000, AccessKind::Read, 0), 150u);
    // A 16-byte instruction fetch over a line boundary goes to the L1I, line by line.
    EXPECT_EQ(h.access(0x3038, AccessKind::Fetch, 16), 300u);
    EXPECT_EQ(h.l1i().stats().accesses, 2u);
    EXPECT_EQ(h.l1d().stats().accesses, 6u);
}

TEST(CacheHierarchy, InstructionAndDataSidesShareL2) {
    CacheHierarchy h(board());
    sweep(h, 0x8000, 4096, 64, 1, AccessKind::Fetch);
    EXPECT_EQ(h.l1i().stats().misses, 64u);
    EXPECT_EQ(sweep(h, 0x8000, 4096, 64, 1), 64u * 12);
    EXPECT_EQ(h.l2().stats().hits, 64u);
}

TEST(CacheHierarchy, DirtyLinesTravelDownToMemory) {
    CacheHierarchy h(board());
    sweep(h, 0, 64 * 1024, 64, 1, AccessKind::Write); // 1024 dirty lines through a 512-line L1D
    EXPECT_EQ(h.l1d().stats().writebacks, 512u);
    EXPECT_EQ(h.memory().line_writes, 0u);
    EXPECT_TRUE(h.l2().is_dirty(0));
    h.write_back_and_invalidate();
    EXPECT_EQ(h.l1d().stats().writebacks, 1024u);
    EXPECT_EQ(h.l2().stats().writebacks, 1024u);
    EXPECT_EQ(h.memory().line_writes, 1024u);
    EXPECT_FALSE(h.l1d().contains(64 * 1024 - 64));
    // Dirty L2 victims go to memory when L2 overflows.
    CacheHierarchy g(board());
    sweep(g, 0, 256 * 1024, 64, 1, AccessKind::Write);
    EXPECT_EQ(g.memory().line_writes, 0u);
    sweep(g, 0x100'0000, 256 * 1024, 64, 1);
    EXPECT_EQ(g.memory().line_writes, 4096u);
}

TEST(CacheHierarchy, DmaInvalidationDropsLinesEverywhere) {
    CacheHierarchy h(board());
    sweep(h, 0, 4096, 64, 1, AccessKind::Write);
    h.invalidate(0x100, 0x100);
    EXPECT_FALSE(h.l1d().contains(0x100));
    EXPECT_FALSE(h.l2().contains(0x1c0));
    EXPECT_TRUE(h.l1d().contains(0x200));
    EXPECT_TRUE(h.l1d().contains(0xc0));
    EXPECT_EQ(h.access(0x100, AccessKind::Read, 4), 150u);
}

// The DMA count is the guest's: a range of 2^64 bytes must cost one scan of each level, not 2^58
// line lookups (this test did not finish before the bound), and must not wrap around to 0.
TEST(CacheHierarchy, DmaInvalidationOfAnyLengthIsBoundedByTheCacheSize) {
    CacheHierarchy h(board(true));
    sweep(h, 0, 4096, 64, 1, AccessKind::Write);
    sweep(h, 0x10'0000, 4096, 64, 1, AccessKind::Write);
    h.invalidate(0x800, UINT64_MAX);
    EXPECT_TRUE(h.l1d().contains(0x7c0));
    EXPECT_TRUE(h.l2().contains(0x7c0));
    EXPECT_TRUE(h.l3()->contains(0x0));
    for (uint64_t pa : {0x800ull, 0xfc0ull, 0x10'0000ull, 0x10'0fc0ull}) {
        EXPECT_FALSE(h.l1d().contains(pa)) << pa;
        EXPECT_FALSE(h.l2().contains(pa)) << pa;
        EXPECT_FALSE(h.l3()->contains(pa)) << pa;
    }
    // The refilled line is a miss to memory again, and the freed ways are reused.
    EXPECT_EQ(h.access(0x800, AccessKind::Read, 4), 150u);
    EXPECT_EQ(h.access(0x800, AccessKind::Read, 4), 3u);

    h.invalidate(0xffff'ffff'ffff'f000ull, 0x2000);
    EXPECT_TRUE(h.l1d().contains(0x0));
}

// A range just longer than L1 (512 lines) is scanned there and walked line by line in L2: both
// ways drop exactly the lines with a byte in the range.
TEST(CacheHierarchy, ScannedAndWalkedInvalidationsAgree) {
    CacheHierarchy h(board());
    sweep(h, 0, 64 * 1024, 64, 1, AccessKind::Write);
    ASSERT_TRUE(h.l1d().contains(0x8080));
    ASSERT_TRUE(h.l2().contains(0x0));
    h.invalidate(0x40, 0x8040);
    EXPECT_FALSE(h.l1d().contains(0x8000));
    EXPECT_FALSE(h.l1d().contains(0x8040));
    EXPECT_TRUE(h.l1d().contains(0x8080));
    EXPECT_TRUE(h.l2().contains(0x0));
    EXPECT_FALSE(h.l2().contains(0x40));
    EXPECT_FALSE(h.l2().contains(0x8040));
    EXPECT_TRUE(h.l2().contains(0x8080));
}

TEST(CacheHierarchy, BadParamsAreRejected) {
    CacheHierarchyParams p = board();
    p.l2.line_bytes = 32;
    p.l2.size_bytes = 256 * 1024;
    EXPECT_NE(cache_hierarchy_params_error(p).find("l2.line_bytes"), std::string::npos);
    EXPECT_THROW(CacheHierarchy{p}, std::invalid_argument);
    p = board(true);
    p.l3.ways = 0;
    EXPECT_NE(cache_hierarchy_params_error(p).find("l3.ways"), std::string::npos);
    p.has_l3 = false;
    EXPECT_EQ(cache_hierarchy_params_error(p), "");
}

} // namespace
} // namespace ia32emu
