// StoreBuffer: stores retire without waiting until every entry is taken; then a store waits for
// the oldest entry to drain. Entries drain in order: an L1 hit in one cycle, a miss when its fill
// for ownership, requested at the head, completes.
#include "emu/cache/store_buffer.h"

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

TEST(StoreBuffer, StoresDoNotWaitWhileEntriesAreFree) {
    StoreBuffer sb(StoreBufferParams{4});
    // Each store misses and needs a 15-cycle fill from L2; the fills go one after another.
    for (uint64_t t = 0; t < 4; ++t) EXPECT_EQ(sb.push(t, false, 15, t + 15), 0u) << t;
    EXPECT_EQ(sb.drained_at(), 60u);
}

TEST(StoreBuffer, AFullBufferStallsUntilTheOldestDrains) {
    StoreBuffer sb(StoreBufferParams{2});
    EXPECT_EQ(sb.push(0, false, 100, 100), 0u);  // drains at 100
    EXPECT_EQ(sb.push(1, true, 0, 4), 0u);       // a hit behind it: 101
    EXPECT_EQ(sb.push(2, true, 0, 5), 98u);      // waits for the first entry
    EXPECT_EQ(sb.push(100, true, 0, 103), 1u);   // the second entry left at 101
    EXPECT_EQ(sb.stall_cycles(), 99u);
}

TEST(StoreBuffer, HitsDrainOneACycle) {
    StoreBuffer sb(StoreBufferParams{8});
    for (uint64_t t = 0; t < 1000; ++t) ASSERT_EQ(sb.push(t, true, 0, t + 3), 0u) << t;
    EXPECT_EQ(sb.drained_at(), 1000u);
}

TEST(StoreBuffer, AFillAlreadyOnItsWayIsWaitedForNotRepeated) {
    StoreBuffer sb(StoreBufferParams{8});
    // The line arrives at 300 (prefetched from DRAM); the head reaches it at once.
    sb.push(0, false, 15, 300);
    EXPECT_EQ(sb.drained_at(), 300u);
    // The next line arrived long ago: a fill from L2, 15 cycles after the head moves on.
    sb.push(1, false, 15, 16);
    EXPECT_EQ(sb.drained_at(), 315u);
}

TEST(StoreBuffer, NoEntriesMeansEveryStoreWaitsForItsLine) {
    StoreBuffer sb(StoreBufferParams{0});
    EXPECT_EQ(sb.push(10, false, 50, 60), 50u);
    EXPECT_EQ(sb.push(70, true, 0, 73), 1u);
}

} // namespace
} // namespace ia32emu
