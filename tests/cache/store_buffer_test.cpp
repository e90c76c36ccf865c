// StoreBuffer: stores retire without waiting until every entry is taken; then a store waits for
// the oldest entry to drain, and entries drain in order, one a cycle once their line is writable.
#include "emu/cache/store_buffer.h"

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

TEST(StoreBuffer, StoresDoNotWaitWhileEntriesAreFree) {
    StoreBuffer sb(StoreBufferParams{4});
    // Each store's line arrives 200 cycles later (a read-for-ownership from DRAM).
    for (uint64_t t = 0; t < 4; ++t) EXPECT_EQ(sb.push(t, t + 200), 0u) << t;
    EXPECT_EQ(sb.drained_at(), 204u);
}

TEST(StoreBuffer, AFullBufferStallsUntilTheOldestDrains) {
    StoreBuffer sb(StoreBufferParams{2});
    EXPECT_EQ(sb.push(0, 100), 0u);  // drains at 101
    EXPECT_EQ(sb.push(1, 1), 0u);    // behind it: 102
    EXPECT_EQ(sb.push(2, 2), 99u);   // waits for the first entry, drained at 101
    EXPECT_EQ(sb.push(101, 101), 1u);  // the second entry left at 102
    EXPECT_EQ(sb.stall_cycles(), 100u);
}

TEST(StoreBuffer, HitsDrainOneACycle) {
    StoreBuffer sb(StoreBufferParams{8});
    for (uint64_t t = 0; t < 1000; ++t) ASSERT_EQ(sb.push(t, t + 3), 0u) << t;
    EXPECT_EQ(sb.drained_at(), 1003u);
}

TEST(StoreBuffer, NoEntriesMeansEveryStoreWaitsForItsLine) {
    StoreBuffer sb(StoreBufferParams{0});
    EXPECT_EQ(sb.push(10, 60), 50u);
    EXPECT_EQ(sb.push(70, 73), 3u);
}

} // namespace
} // namespace ia32emu
