// The allocation tracker under orders and counts a hostile guest's allocator can report.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "emu/bounds/host_bounds.h"
#include "emu/introspect/allocation_tracker.h"
#include "emu/timing/guest_view.h"

namespace ia32emu {
namespace {

// Paging off: virtual is physical.
class FlatGuest : public GuestView {
public:
    uint32_t esp() const override { return 0; }
    uint32_t eip() const override { return 0; }
    uint32_t eax() const override { return 0; }
    bool read_virtual(uint32_t, void *, size_t) const override { return false; }
    PagingRegs paging() const override { return {}; }
};

struct Fixture {
    explicit Fixture(size_t ram_bytes = 1 << 20) : ram(ram_bytes) {}
    std::vector<uint8_t> ram;
    FlatGuest guest;
    GuestMemory memory{guest, PhysView{ram.data(), ram.size()}};
    AllocationTracker tracker{memory, [](uint32_t) { return std::string(); }};
};

constexpr uint64_t kFixtureRamFrames = (1 << 20) >> 12;

TEST(AllocationTracker, OrdersLinuxRefusesAreDroppedAtOnce) {
    Fixture f;
    auto start = std::chrono::steady_clock::now();
    for (unsigned order : {11u, 20u, 31u, 0xffffffffu})
        f.tracker.on_alloc_pages(0x1234, 0x100, order);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    EXPECT_EQ(f.tracker.dropped(), 4u);
    EXPECT_EQ(f.tracker.describe_frame(0x100), "free (no allocation seen)");
}

TEST(AllocationTracker, TheLargestBuddyBlockIsTracked) {
    Fixture f;
    f.tracker.on_alloc_pages(0x1234, 0x100, AllocationTracker::kMaxPageOrder);
    EXPECT_EQ(f.tracker.dropped(), 0u);
    EXPECT_NE(f.tracker.describe_frame(0x100 + 1023).find("alloc_pages(4194304 bytes)"), std::string::npos);
    EXPECT_EQ(f.tracker.describe_frame(0x100 + 1024), "free (no allocation seen)");
    f.tracker.on_free_pages(0x100);
    EXPECT_NE(f.tracker.describe_frame(0x100).find("free; last held by"), std::string::npos);
}

TEST(AllocationTracker, FramesBeyondTheCapAreDroppedAndCounted) {
    Fixture f;
    // Order-10 blocks over the same frames: each indexes 1024 frame entries.
    const uint64_t fit = bounds::kTrackedFrames / 1024;
    for (uint64_t i = 0; i < fit + 5; ++i)
        f.tracker.on_alloc_pages(0x1234, 0x1000 + i, AllocationTracker::kMaxPageOrder);
    EXPECT_EQ(f.tracker.dropped(), 5u);
    // Freeing gives room back.
    f.tracker.on_free_pages(0x1000);
    f.tracker.on_alloc_pages(0x1234, 0x1000, AllocationTracker::kMaxPageOrder);
    EXPECT_EQ(f.tracker.dropped(), 5u);
}

// Frames 0x1000.. lie outside the fixture's RAM; the cap is the same inside it.
TEST(AllocationTracker, FramesBeyondTheCapAreDroppedAndCountedInRam) {
    Fixture f(32 << 20);
    const uint64_t fit = bounds::kTrackedFrames / 1024;
    for (uint64_t i = 0; i < fit + 5; ++i)
        f.tracker.on_alloc_pages(0x1234, 0x1000 + i, AllocationTracker::kMaxPageOrder);
    EXPECT_EQ(f.tracker.dropped(), 5u);
    EXPECT_EQ(f.tracker.frame_owners(0x1000 + 1023).size(), fit);
    f.tracker.on_free_pages(0x1000);
    f.tracker.on_alloc_pages(0x1234, 0x1000, AllocationTracker::kMaxPageOrder);
    EXPECT_EQ(f.tracker.dropped(), 5u);
}

// Objects of one slab page share its frame: every live one is named, oldest first, and the
// last one freed there too.
TEST(AllocationTracker, ObjectsSharingAFrameAreAllNamed) {
    Fixture f;
    f.tracker.on_alloc("kmalloc", 0x100, 0x3000, 64);
    f.tracker.on_alloc("kmalloc", 0x200, 0x3040, 64);
    f.tracker.on_alloc("kmalloc", 0x300, 0x3080, 64);
    EXPECT_EQ(f.tracker.frame_owners(3), (std::vector<uint64_t>{1, 2, 3}));
    ASSERT_EQ(f.tracker.owners_at(0x3041).size(), 1u);
    EXPECT_EQ(f.tracker.owners_at(0x3041).front()->id, 2u);
    EXPECT_TRUE(f.tracker.owners_at(0x30c0).empty());
    f.tracker.on_free(0x3040);
    EXPECT_EQ(f.tracker.frame_owners(3), (std::vector<uint64_t>{1, 3}));
    EXPECT_EQ(f.tracker.describe_frame(3),
              "allocation 1 by kmalloc(64) called from 0x00000100, mapped at 0x00003000-0x0000303f; "
              "allocation 3 by kmalloc(64) called from 0x00000300, mapped at 0x00003080-0x000030bf; "
              "last freed there: allocation 2 by kmalloc(64) called from 0x00000200, mapped at 0x00003040-0x0000307f");
    f.tracker.on_free(0x3000);
    f.tracker.on_free(0x3080);
    EXPECT_TRUE(f.tracker.frame_owners(3).empty());
    EXPECT_EQ(f.tracker.describe_frame(3),
              "free; last held by allocation 3 by kmalloc(64) called from 0x00000300, mapped at 0x00003080-0x000030bf");
}

// The same guest allocator calls give the same answers whether their frames lie in RAM (slots)
// or outside it (maps), here on a window of frames across the end of the fixture's RAM.
TEST(AllocationTracker, FramesInAndOutsideRamGiveTheSameAnswers) {
    Fixture in_ram;
    Fixture outside(0);
    const uint64_t first = kFixtureRamFrames - 12, frames = 24;
    uint32_t seed = 12345;
    auto next = [&seed](uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % n;
    };
    std::vector<uint32_t> vas;
    // The run must reach the interesting states: frames shared, and frames freed.
    size_t shared = 0, remembered = 0;
    for (int step = 0; step < 1500; ++step) {
        const uint32_t va = uint32_t(first << 12) + next(uint32_t(frames << 12)) / 16 * 16;
        const uint64_t pfn = first + next(uint32_t(frames));
        switch (next(4)) {
        case 0: {
            const uint32_t size = 1 + next(3 * 0x1000);
            vas.push_back(va);
            for (Fixture *f : {&in_ram, &outside})
                f->tracker.on_alloc("kmalloc", 0x1000 + uint32_t(step), va, size);
            break;
        }
        case 1: {
            const uint32_t freed = vas.empty() ? va : vas[next(uint32_t(vas.size()))];
            for (Fixture *f : {&in_ram, &outside})
                f->tracker.on_free(freed);
            break;
        }
        case 2: {
            const unsigned order = next(3);
            for (Fixture *f : {&in_ram, &outside})
                f->tracker.on_alloc_pages(0x2000 + uint32_t(step), pfn, order);
            break;
        }
        default:
            for (Fixture *f : {&in_ram, &outside})
                f->tracker.on_free_pages(pfn);
            break;
        }
        for (uint64_t p = first; p < first + frames + 4; ++p) {
            ASSERT_EQ(in_ram.tracker.frame_owners(p), outside.tracker.frame_owners(p)) << "step " << step;
            ASSERT_EQ(in_ram.tracker.describe_frame(p), outside.tracker.describe_frame(p)) << "step " << step;
            shared += in_ram.tracker.frame_owners(p).size() > 1;
            remembered += in_ram.tracker.describe_frame(p).find("last") != std::string::npos;
        }
    }
    EXPECT_EQ(in_ram.tracker.dropped(), outside.tracker.dropped());
    EXPECT_GT(shared, 0u);
    EXPECT_GT(remembered, 0u);
}

} // namespace
} // namespace ia32emu
