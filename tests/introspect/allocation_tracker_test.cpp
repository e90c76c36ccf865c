// The allocation tracker under orders and counts a hostile guest's allocator can report.
#include <gtest/gtest.h>

#include <chrono>
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
    std::vector<uint8_t> ram = std::vector<uint8_t>(1 << 20);
    FlatGuest guest;
    GuestMemory memory{guest, PhysView{ram.data(), ram.size()}};
    AllocationTracker tracker{memory, [](uint32_t) { return std::string(); }};
};

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

} // namespace
} // namespace ia32emu
