// The per-frame index: RAM frames in slots, frames outside RAM in maps, and one cap on the frames
// that remember a freed allocation, counted over both.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "emu/introspect/allocation_tracker.h"
#include "emu/introspect/frame_index.h"

namespace ia32emu {
namespace {

using Ids = std::vector<uint64_t>;

constexpr uint64_t kRamFrames = 16;

FrameIndex::Freed freed(uint64_t id) {
    auto a = std::make_shared<Allocation>();
    a->id = id;
    return a;
}

class FrameIndexTest : public ::testing::TestWithParam<uint64_t> {};

// Each test gives the same answers for a frame in RAM (a slot) and one outside (the maps).
TEST_P(FrameIndexTest, OwnersAreListedOldestFirstAndLeaveInAnyOrder) {
    const uint64_t pfn = GetParam();
    FrameIndex index(kRamFrames, 100);
    EXPECT_EQ(index.owners(pfn), Ids{});
    index.add_owner(pfn, 3);
    EXPECT_EQ(index.owners(pfn), Ids{3});
    index.add_owner(pfn, 5);
    EXPECT_EQ(index.owners(pfn), (Ids{3, 5}));
    index.add_owner(pfn, 9);
    index.add_owner(pfn, 10);
    EXPECT_EQ(index.owners(pfn), (Ids{3, 5, 9, 10}));
    index.remove_owner(pfn, 5);
    EXPECT_EQ(index.owners(pfn), (Ids{3, 9, 10}));
    index.remove_owner(pfn, 3);
    EXPECT_EQ(index.owners(pfn), (Ids{9, 10}));
    index.remove_owner(pfn, 10);
    EXPECT_EQ(index.owners(pfn), Ids{9});
    index.add_owner(pfn, 11);
    index.add_owner(pfn, 12);
    EXPECT_EQ(index.owners(pfn), (Ids{9, 11, 12}));
    index.remove_owner(pfn, 9);
    EXPECT_EQ(index.owners(pfn), (Ids{11, 12}));
    index.remove_owner(pfn, 11);
    EXPECT_EQ(index.owners(pfn), Ids{12});
    index.remove_owner(pfn, 12);
    EXPECT_EQ(index.owners(pfn), Ids{});
    // Removing an id the frame does not list changes nothing.
    index.add_owner(pfn, 13);
    index.remove_owner(pfn, 4);
    EXPECT_EQ(index.owners(pfn), Ids{13});
    EXPECT_EQ(index.owners(pfn + 1), Ids{});
}

// An allocation whose virtual pages map the same frame twice lists it twice.
TEST_P(FrameIndexTest, AnOwnerListedTwiceLeavesAtOnce) {
    const uint64_t pfn = GetParam();
    FrameIndex index(kRamFrames, 100);
    index.add_owner(pfn, 2);
    index.add_owner(pfn, 2);
    EXPECT_EQ(index.owners(pfn), (Ids{2, 2}));
    index.remove_owner(pfn, 2);
    EXPECT_EQ(index.owners(pfn), Ids{});
    index.add_owner(pfn, 3);
    index.add_owner(pfn, 4);
    index.add_owner(pfn, 4);
    EXPECT_EQ(index.owners(pfn), (Ids{3, 4, 4}));
    index.remove_owner(pfn, 4);
    EXPECT_EQ(index.owners(pfn), Ids{3});
    index.add_owner(pfn, 5);
    index.add_owner(pfn, 5);
    index.add_owner(pfn, 6);
    index.remove_owner(pfn, 5);
    EXPECT_EQ(index.owners(pfn), (Ids{3, 6}));
}

TEST_P(FrameIndexTest, TheLastFreedIsReplaced) {
    const uint64_t pfn = GetParam();
    FrameIndex index(kRamFrames, 100);
    EXPECT_EQ(index.last_freed(pfn), nullptr);
    ASSERT_TRUE(index.set_last_freed(pfn, freed(1)));
    ASSERT_TRUE(index.set_last_freed(pfn, freed(2)));
    ASSERT_NE(index.last_freed(pfn), nullptr);
    EXPECT_EQ(index.last_freed(pfn)->id, 2u);
    EXPECT_EQ(index.last_freed(pfn + 1), nullptr);
}

TEST_P(FrameIndexTest, APageAllocationIsFoundByItsFirstFrame) {
    const uint64_t pfn = GetParam();
    FrameIndex index(kRamFrames, 100);
    EXPECT_EQ(index.head_of(pfn), 0u);
    index.set_head(pfn, 7);
    EXPECT_EQ(index.head_of(pfn), 7u);
    EXPECT_EQ(index.head_of(pfn + 1), 0u);
    index.set_head(pfn, 8);
    EXPECT_EQ(index.head_of(pfn), 8u);
    index.set_head(pfn, 0);
    EXPECT_EQ(index.head_of(pfn), 0u);
}

INSTANTIATE_TEST_SUITE_P(InAndOutsideRam, FrameIndexTest, ::testing::Values(uint64_t(3), uint64_t(0x12345)));

TEST(FrameIndex, OneCapOnRememberedFramesInAndOutsideRam) {
    FrameIndex index(kRamFrames, 3);
    EXPECT_TRUE(index.set_last_freed(1, freed(1)));
    EXPECT_TRUE(index.set_last_freed(kRamFrames + 1, freed(1)));
    EXPECT_TRUE(index.set_last_freed(2, freed(1)));
    // Full: new frames are refused, in RAM or not; remembered ones still take the newer one.
    EXPECT_FALSE(index.set_last_freed(4, freed(2)));
    EXPECT_FALSE(index.set_last_freed(kRamFrames + 4, freed(2)));
    EXPECT_EQ(index.last_freed(4), nullptr);
    EXPECT_EQ(index.last_freed(kRamFrames + 4), nullptr);
    EXPECT_TRUE(index.set_last_freed(1, freed(3)));
    EXPECT_TRUE(index.set_last_freed(kRamFrames + 1, freed(3)));
    EXPECT_EQ(index.last_freed(1)->id, 3u);
    EXPECT_EQ(index.last_freed(kRamFrames + 1)->id, 3u);
}

} // namespace
} // namespace ia32emu
