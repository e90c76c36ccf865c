// PortBus routing: claimed ranges, unclaimed all-ones reads, shadowing and detach.
#include "emu/board/port_bus.h"

#include <gtest/gtest.h>

#include <vector>

namespace ia32emu {
namespace {

struct Recorder : PortDevice {
    uint32_t value = 0;
    std::vector<std::pair<uint16_t, unsigned>> reads;
    std::vector<std::tuple<uint16_t, unsigned, uint32_t>> writes;
    uint32_t io_read(uint16_t port, unsigned size) override {
        reads.emplace_back(port, size);
        return value;
    }
    void io_write(uint16_t port, unsigned size, uint32_t v) override { writes.emplace_back(port, size, v); }
};

TEST(PortBus, UnclaimedReadsAllOnesOfTheAccessSize) {
    PortBus bus;
    EXPECT_EQ(bus.read(0x80, 1), 0xffu);
    EXPECT_EQ(bus.read(0x80, 2), 0xffffu);
    EXPECT_EQ(bus.read(0x80, 4), 0xffffffffu);
    bus.write(0x80, 4, 1);  // ignored, must not crash
    EXPECT_FALSE(bus.claimed(0x80));
}

TEST(PortBus, RoutesEveryPortOfARangeWithTheAbsolutePort) {
    PortBus bus;
    Recorder dev;
    dev.value = 0x12345678;
    bus.attach(0x3f8, 8, dev);
    EXPECT_EQ(bus.read(0x3ff, 1), 0x78u);  // truncated to the access size
    bus.write(0x3f8, 2, 0xabcd);
    EXPECT_EQ(bus.read(0x400, 1), 0xffu);
    EXPECT_EQ(bus.read(0x3f7, 1), 0xffu);
    ASSERT_EQ(dev.reads.size(), 1u);
    EXPECT_EQ(dev.reads[0].first, 0x3ff);
    ASSERT_EQ(dev.writes.size(), 1u);
    EXPECT_EQ(std::get<2>(dev.writes[0]), 0xabcdu);
}

TEST(PortBus, LaterRangeShadowsAndDetachRestores) {
    PortBus bus;
    Recorder first;
    Recorder second;
    first.value = 1;
    second.value = 2;
    bus.attach(0x100, 16, first);
    bus.attach(0x108, 4, second);
    EXPECT_EQ(bus.read(0x109, 1), 2u);
    EXPECT_EQ(bus.read(0x107, 1), 1u);
    EXPECT_TRUE(bus.detach(0x108, 4, second));
    EXPECT_FALSE(bus.detach(0x108, 4, second));
    EXPECT_EQ(bus.read(0x109, 1), 1u);
}

TEST(PortBus, RejectsARangePastTheEndOfPortSpace) {
    PortBus bus;
    Recorder dev;
    EXPECT_THROW(bus.attach(0xfffe, 4, dev), std::invalid_argument);
    EXPECT_THROW(bus.attach(0x10, 0, dev), std::invalid_argument);
}

}  // namespace
}  // namespace ia32emu
