// The 8254 and port 0x61 through their ports, on a clock the test moves: counts, OUT waveforms,
// latches, read-back, IRQ0 edges, and the two calibration loops of Linux's arch/x86/kernel/tsc.c.
#include "devices/pit8254.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/abi/pit8254.h"
#include "devices/system_port_b.h"

namespace ia32emu {
namespace {

// Ten CPU cycles per PIT tick keeps the arithmetic readable.
constexpr uint64_t kCyclesPerTick = 10;

class Pit8254Test : public ::testing::Test {
protected:
    Pit8254Test()
        : pit([this] { return cycle; }, uint64_t(PIT_HZ) * kCyclesPerTick, events,
              [this](bool level) {
                  if (level && !irq0_level)
                      ++irq0_edges;
                  irq0_level = level;
              }),
          port_b(pit) {
        ports.attach(PIT_CHANNEL0, 4, pit);
        ports.attach(SYSTEM_PORT_B, 1, port_b);
    }
    void advance_ticks(uint64_t ticks) {
        cycle += ticks * kCyclesPerTick;
        events.run_due(cycle);
    }
    void program(uint8_t control, uint16_t port, uint16_t count) {
        ports.write(PIT_MODE, 1, control);
        ports.write(port, 1, count & 0xff);
        ports.write(port, 1, count >> 8);
    }
    uint16_t read_word(uint16_t port) {
        uint16_t lo = uint16_t(ports.read(port, 1));
        return uint16_t(lo | ports.read(port, 1) << 8);
    }

    uint64_t cycle = 0;
    EventQueue events;
    bool irq0_level = false;
    unsigned irq0_edges = 0;
    Pit8254 pit;
    SystemPortB port_b;
    PortBus ports;
};

TEST_F(Pit8254Test, ResetStateIsMode3At18Hz) {
    unsigned before = irq0_edges;
    advance_ticks(65536 * 3);
    EXPECT_EQ(irq0_edges - before, 3u);
}

TEST_F(Pit8254Test, RateGeneratorRaisesIrq0EveryPeriodAndCountsDown) {
    program(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE2, PIT_CHANNEL0, 1000);
    unsigned before = irq0_edges;
    advance_ticks(250);
    EXPECT_EQ(read_word(PIT_CHANNEL0), 750);
    advance_ticks(750 + 1000 * 9);
    EXPECT_EQ(irq0_edges - before, 10u);
    EXPECT_EQ(read_word(PIT_CHANNEL0), 1000) << "the count reloads on the edge";
}

TEST_F(Pit8254Test, SquareWaveCountsByTwoAndIsHighForTheFirstHalf) {
    program(PIT_SEL_CHANNEL2 | PIT_ACCESS_WORD | PIT_MODE3, PIT_CHANNEL2, 100);
    ports.write(SYSTEM_PORT_B, 1, PORT_B_GATE2);   // a rising gate starts mode 3
    advance_ticks(10);
    EXPECT_EQ(read_word(PIT_CHANNEL2), 80);
    EXPECT_TRUE(ports.read(SYSTEM_PORT_B, 1) & PORT_B_OUT2);
    advance_ticks(50);
    EXPECT_FALSE(ports.read(SYSTEM_PORT_B, 1) & PORT_B_OUT2);
    advance_ticks(40);
    EXPECT_TRUE(ports.read(SYSTEM_PORT_B, 1) & PORT_B_OUT2);
}

TEST_F(Pit8254Test, CounterLatchFreezesTheValueUntilBothBytesAreRead) {
    program(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE2, PIT_CHANNEL0, 5000);
    advance_ticks(1234);
    ports.write(PIT_MODE, 1, PIT_SEL_CHANNEL0 | PIT_ACCESS_LATCH);
    advance_ticks(100);
    EXPECT_EQ(read_word(PIT_CHANNEL0), 5000 - 1234);
    EXPECT_EQ(read_word(PIT_CHANNEL0), 5000 - 1334) << "after the latched pair, reads are live again";
}

TEST_F(Pit8254Test, ReadBackLatchesStatusThenCount) {
    program(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE2, PIT_CHANNEL0, 300);
    advance_ticks(7);
    ports.write(PIT_MODE, 1, PIT_READ_BACK | 0x02);   // count and status of channel 0
    // OUT high, count loaded, word access, mode 2, binary.
    EXPECT_EQ(ports.read(PIT_CHANNEL0, 1), 0x80u | 0x30u | (2u << 1));
    EXPECT_EQ(read_word(PIT_CHANNEL0), 293);
}

TEST_F(Pit8254Test, ControlWordAloneLeavesNullCountAndMode0OutLow) {
    ports.write(PIT_MODE, 1, PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE0);
    ports.write(PIT_MODE, 1, PIT_READ_BACK | 0x20 | 0x02);   // status only
    EXPECT_EQ(ports.read(PIT_CHANNEL0, 1), 0x40u | 0x30u);
    EXPECT_FALSE(irq0_level);
}

TEST_F(Pit8254Test, Mode0RaisesIrq0OnceAtTerminalCount) {
    program(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE0, PIT_CHANNEL0, 500);
    EXPECT_FALSE(irq0_level);
    unsigned before = irq0_edges;
    advance_ticks(499);
    EXPECT_EQ(irq0_edges, before);
    advance_ticks(1);
    EXPECT_EQ(irq0_edges, before + 1);
    advance_ticks(70000);
    EXPECT_EQ(irq0_edges, before + 1);
    EXPECT_TRUE(irq0_level);
}

// pit_calibrate_tsc(): gate high, speaker off, channel 2 in mode 0 with a latch, then poll
// port 0x61 bit 5 until OUT2 goes high.
TEST_F(Pit8254Test, LinuxPitCalibrateTscSeesOut2RiseAfterTheLatch) {
    ports.write(SYSTEM_PORT_B, 1, (ports.read(SYSTEM_PORT_B, 1) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    const uint16_t latch = PIT_HZ / (1000 / 50);   // CAL_MS = 50
    ports.write(PIT_MODE, 1, 0xb0);
    ports.write(PIT_CHANNEL2, 1, latch & 0xff);
    ports.write(PIT_CHANNEL2, 1, latch >> 8);
    uint64_t polls = 0;
    while (!(ports.read(SYSTEM_PORT_B, 1) & PORT_B_OUT2)) {
        advance_ticks(3);
        ++polls;
    }
    EXPECT_EQ(polls, (latch + 2u) / 3u);
}

// quick_pit_calibrate(): channel 2 in mode 0 from 0xffff, reading LSB then MSB, expecting the
// MSB to step down by one every 256 ticks.
TEST_F(Pit8254Test, LinuxQuickPitCalibrateSeesTheMsbStepEvery256Ticks) {
    ports.write(SYSTEM_PORT_B, 1, (ports.read(SYSTEM_PORT_B, 1) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    ports.write(PIT_MODE, 1, 0xb0);
    ports.write(PIT_CHANNEL2, 1, 0xff);
    ports.write(PIT_CHANNEL2, 1, 0xff);
    ports.read(PIT_CHANNEL2, 1);   // pit_verify_msb's throwaway LSB read
    EXPECT_EQ(ports.read(PIT_CHANNEL2, 1), 0xffu);
    std::vector<unsigned> msbs;
    for (int i = 0; i < 5; ++i) {
        advance_ticks(256);
        ports.read(PIT_CHANNEL2, 1);
        msbs.push_back(ports.read(PIT_CHANNEL2, 1));
    }
    EXPECT_EQ(msbs, (std::vector<unsigned>{0xfe, 0xfd, 0xfc, 0xfb, 0xfa}));
}

TEST_F(Pit8254Test, GateLowStopsChannel2AndPortBReadsBackItsBits) {
    program(PIT_SEL_CHANNEL2 | PIT_ACCESS_WORD | PIT_MODE0, PIT_CHANNEL2, 1000);
    advance_ticks(100);
    EXPECT_EQ(read_word(PIT_CHANNEL2), 1000) << "gate 2 is low after reset";
    ports.write(SYSTEM_PORT_B, 1, PORT_B_GATE2 | PORT_B_SPEAKER);
    EXPECT_EQ(ports.read(SYSTEM_PORT_B, 1) & 0x03u, 0x03u);
    advance_ticks(100);
    EXPECT_EQ(read_word(PIT_CHANNEL2), 900);
    ports.write(SYSTEM_PORT_B, 1, 0);
    advance_ticks(100);
    EXPECT_EQ(read_word(PIT_CHANNEL2), 900) << "mode 0 pauses while the gate is low";
}

TEST_F(Pit8254Test, RefreshBitTogglesEvery18Ticks) {
    uint8_t first = ports.read(SYSTEM_PORT_B, 1) & PORT_B_REFRESH;
    advance_ticks(18);
    EXPECT_NE(ports.read(SYSTEM_PORT_B, 1) & PORT_B_REFRESH, first);
    advance_ticks(18);
    EXPECT_EQ(ports.read(SYSTEM_PORT_B, 1) & PORT_B_REFRESH, first);
}

TEST_F(Pit8254Test, TickConversionRoundsEdgesUpToTheNextCycle) {
    EventQueue q;
    Pit8254 odd([] { return uint64_t(0); }, 2'000'000'000, q, [](bool) {});
    for (uint64_t tick : {1ull, 7ull, 1193181ull, 1193182ull, 123456789ull}) {
        uint64_t c = odd.cycle_of_tick(tick);
        EXPECT_EQ(odd.ticks_at(c), tick);
        EXPECT_LT(odd.ticks_at(c - 1), tick);
    }
}

} // namespace
} // namespace ia32emu
