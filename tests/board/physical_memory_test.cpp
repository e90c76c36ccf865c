// PhysicalMemory: DMA-side reads and writes stay inside RAM ranges, whatever the address.
#include "emu/board/physical_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace ia32emu {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(PhysicalMemory, PcLayoutExcludesLegacyAndPciHoles) {
    auto ranges = PhysicalMemory::pc_ram_ranges(64 * kMiB, 0xe0000000);
    ASSERT_EQ(ranges.size(), 2u);
    EXPECT_EQ(ranges[0].start, 0u);
    EXPECT_EQ(ranges[0].end, 0xa0000u);
    EXPECT_EQ(ranges[1].start, 0x100000u);
    EXPECT_EQ(ranges[1].end, 64 * kMiB);
    auto clipped = PhysicalMemory::pc_ram_ranges(4096 * kMiB, 0xe0000000);
    EXPECT_EQ(clipped.back().end, 0xe0000000u);
}

TEST(PhysicalMemory, CopiesInsideRamAndRefusesAnythingElse) {
    std::vector<uint8_t> buffer(4 * kMiB, 0);
    PhysicalMemory mem(buffer.data(), buffer.size(), PhysicalMemory::pc_ram_ranges(buffer.size(), 0xe0000000));
    const uint8_t data[4] = {1, 2, 3, 4};
    EXPECT_TRUE(mem.write(0x200000, data, 4));
    uint8_t back[4] = {};
    EXPECT_TRUE(mem.read(0x200000, back, 4));
    EXPECT_EQ(back[3], 4);

    EXPECT_FALSE(mem.write(0x9fffe, data, 4));          // runs into the legacy hole
    EXPECT_FALSE(mem.write(0xb8000, data, 1));          // inside the legacy hole
    EXPECT_FALSE(mem.write(4 * kMiB - 2, data, 4));     // runs off the end of RAM
    EXPECT_FALSE(mem.write(UINT64_MAX - 1, data, 4));   // wraps around
    EXPECT_FALSE(mem.read(0xfd000000, back, 4));        // the PCI hole
    EXPECT_EQ(buffer[0x9fffe], 0);
    EXPECT_TRUE(mem.is_ram(4 * kMiB - 4, 4));
    EXPECT_FALSE(mem.is_ram(4 * kMiB - 4, 5));
}

TEST(PhysicalMemory, MergesAdjacentRangesSoATransferMayCrossThem) {
    std::vector<uint8_t> buffer(0x3000, 0);
    PhysicalMemory mem(buffer.data(), buffer.size(), {{0x1000, 0x2000}, {0, 0x1000}});
    EXPECT_TRUE(mem.is_ram(0xff0, 0x20));
    EXPECT_FALSE(mem.is_ram(0x1ff0, 0x20));
    EXPECT_EQ(mem.ranges().size(), 1u);
}

TEST(PhysicalMemory, RejectsRangesOutsideTheBuffer) {
    std::vector<uint8_t> buffer(0x1000, 0);
    EXPECT_THROW(PhysicalMemory(buffer.data(), buffer.size(), {{0, 0x2000}}), std::invalid_argument);
    EXPECT_THROW(PhysicalMemory(buffer.data(), buffer.size(), {{0x10, 0x10}}), std::invalid_argument);
}

}  // namespace
}  // namespace ia32emu
