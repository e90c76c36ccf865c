// The CMOS clock through ports 0x70/0x71 on a clock the test moves: time formats, the SET and
// UIP protocol Linux's mc146818_get_time/set_time follow, the periodic, update and alarm
// interrupts with register C's read-to-clear, the NMI mask and QEMU's memory-size bytes.
#include "devices/cmos_rtc.h"

#include <gtest/gtest.h>

#include "devices/abi/cmos_rtc.h"
#include "emu/board/civil_time.h"

namespace ia32emu {
namespace {

constexpr uint64_t kHz = 32768 * 100;   // 100 cycles per 32.768 kHz tick
constexpr uint64_t MiB = 1 << 20;

class CmosRtcTest : public ::testing::Test {
protected:
    CmosRtcTest() { ports.attach(CMOS_INDEX_PORT, 2, rtc); }
    uint8_t rd(uint8_t index) {
        ports.write(CMOS_INDEX_PORT, 1, index);
        return uint8_t(ports.read(CMOS_DATA_PORT, 1));
    }
    void wr(uint8_t index, uint8_t value) {
        ports.write(CMOS_INDEX_PORT, 1, index);
        ports.write(CMOS_DATA_PORT, 1, value);
    }
    void advance(uint64_t cycles) {
        cycle += cycles;
        events.run_due(cycle);
    }

    uint64_t cycle = 0;
    EventQueue events;
    bool irq = false;
    int irq_edges = 0;
    // 2024-02-29 23:59:58, a Thursday.
    CmosRtc rtc{*parse_rtc_base("2024-02-29T23:59:58"), 1024 * MiB, [this] { return cycle; }, kHz, events,
                [this](bool level) {
                    if (level && !irq)
                        ++irq_edges;
                    irq = level;
                }};
    PortBus ports;
};

TEST(CivilTimeTest, RoundTripsAndRejectsWhatIsNotADate) {
    EXPECT_EQ(*parse_rtc_base("1970-01-01T00:00:00"), 0);
    EXPECT_EQ(*parse_rtc_base("2000-03-01T00:00:00"), 951868800);   // date -u -d 2000-03-01 +%s
    EXPECT_EQ(*parse_rtc_base("2024-01-01 00:00:00Z"), 1704067200);
    CivilTime t = from_epoch_seconds(951868800 - 1);
    EXPECT_EQ(t.year, 2000);
    EXPECT_EQ(t.month, 2u);
    EXPECT_EQ(t.day, 29u);
    EXPECT_EQ(t.weekday, 2u);   // Tuesday
    EXPECT_FALSE(parse_rtc_base("2023-02-29T00:00:00"));
    EXPECT_FALSE(parse_rtc_base("2024-01-01T24:00:00"));
    EXPECT_FALSE(parse_rtc_base("1899-12-31T23:59:59"));
    EXPECT_FALSE(parse_rtc_base("now"));
}

TEST_F(CmosRtcTest, PowerOnStateIsQemus) {
    EXPECT_EQ(rd(RTC_REG_A), 0x26);
    EXPECT_EQ(rd(RTC_REG_B), 0x02);
    EXPECT_EQ(rd(RTC_REG_C), 0x00);
    EXPECT_EQ(rd(RTC_REG_D), RTC_D_VRT);
    EXPECT_EQ(ports.read(CMOS_INDEX_PORT, 1), 0xffu);
    // 1 GiB: 640 KiB base, 65535 KiB extended (capped), (1024 - 16) MiB / 64 KiB above 16 MiB.
    EXPECT_EQ(rd(CMOS_BASE_MEMORY_LO) | rd(CMOS_BASE_MEMORY_HI) << 8, 640);
    EXPECT_EQ(rd(CMOS_EXT_MEMORY_LO) | rd(CMOS_EXT_MEMORY_HI) << 8, 65535);
    EXPECT_EQ(rd(CMOS_EXT_MEMORY2_LO) | rd(CMOS_EXT_MEMORY2_HI) << 8, 65535);
    EXPECT_EQ(rd(CMOS_MEMORY_ABOVE_16M_LO) | rd(CMOS_MEMORY_ABOVE_16M_HI) << 8, 16128);
}

TEST_F(CmosRtcTest, TimeInBcdAndBinaryAndTwelveHourModeAndItRollsOverTheLeapDay) {
    EXPECT_EQ(rd(RTC_SECONDS), 0x58);
    EXPECT_EQ(rd(RTC_MINUTES), 0x59);
    EXPECT_EQ(rd(RTC_HOURS), 0x23);
    EXPECT_EQ(rd(RTC_DAY_OF_WEEK), 5);   // Thursday; 1 is Sunday
    EXPECT_EQ(rd(RTC_DAY_OF_MONTH), 0x29);
    EXPECT_EQ(rd(RTC_MONTH), 0x02);
    EXPECT_EQ(rd(RTC_YEAR), 0x24);
    EXPECT_EQ(rd(CMOS_CENTURY), 0x20);
    wr(RTC_REG_B, RTC_B_DM_BINARY);   // binary, 12-hour
    EXPECT_EQ(rd(RTC_SECONDS), 58);
    EXPECT_EQ(rd(RTC_HOURS), 0x80 | 11);   // 11 PM
    advance(2 * kHz);
    EXPECT_EQ(rd(RTC_SECONDS), 0);
    EXPECT_EQ(rd(RTC_HOURS), 12);          // midnight is 12 AM
    EXPECT_EQ(rd(RTC_DAY_OF_MONTH), 1);
    EXPECT_EQ(rd(RTC_MONTH), 3);
    EXPECT_EQ(rd(RTC_DAY_OF_WEEK), 6);
    wr(RTC_REG_B, RTC_B_24H);
    EXPECT_EQ(rd(RTC_HOURS), 0x00);
}

// Linux's mc146818_get_time waits for UIP to clear: it is high for the last 244 us of a second.
TEST_F(CmosRtcTest, UpdateInProgressCoversTheLast244MicrosecondsOfEachSecond) {
    advance(kHz - 8 * 100 - 1);
    EXPECT_EQ(rd(RTC_REG_A) & RTC_A_UIP, 0);
    EXPECT_EQ(rd(RTC_SECONDS), 0x58);
    advance(1);
    EXPECT_EQ(rd(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
    advance(8 * 100 - 1);
    EXPECT_EQ(rd(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
    EXPECT_EQ(rd(RTC_SECONDS), 0x58);
    advance(1);
    EXPECT_EQ(rd(RTC_REG_A) & RTC_A_UIP, 0);
    EXPECT_EQ(rd(RTC_SECONDS), 0x59);
}

// mc146818_set_time: SET, write the fields, clear SET. The clock holds still while SET is on.
TEST_F(CmosRtcTest, SetStopsTheClockWhileTheGuestWritesIt) {
    wr(RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE);
    EXPECT_EQ(rd(RTC_REG_B), RTC_B_SET | RTC_B_24H) << "SET clears UIE";
    wr(RTC_SECONDS, 0x30);
    wr(RTC_MINUTES, 0x15);
    wr(RTC_HOURS, 0x08);
    wr(RTC_DAY_OF_MONTH, 0x04);
    wr(RTC_MONTH, 0x07);
    wr(RTC_YEAR, 0x99);
    wr(CMOS_CENTURY, 0x19);
    advance(5 * kHz);
    EXPECT_EQ(rd(RTC_SECONDS), 0x30);
    EXPECT_EQ(rd(RTC_REG_A) & RTC_A_UIP, 0);
    wr(RTC_REG_B, RTC_B_24H);
    advance(kHz);
    EXPECT_EQ(rd(RTC_SECONDS), 0x31);
    EXPECT_EQ(rd(RTC_YEAR), 0x99);
    EXPECT_EQ(rd(CMOS_CENTURY), 0x19);
    EXPECT_EQ(rtc.seconds_now(), *parse_rtc_base("1999-07-04T08:15:31"));
}

TEST_F(CmosRtcTest, PeriodicInterruptAtRegisterARateUntilCIsRead) {
    wr(RTC_REG_A, RTC_A_DV_NORMAL | 6);   // 1024 Hz: every 32 ticks
    wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    advance(32 * 100 - 1);
    EXPECT_FALSE(irq);
    advance(1);
    EXPECT_TRUE(irq);
    // Nobody reads C: the line stays up, so the PIC sees one edge, however long it waits.
    advance(kHz);
    EXPECT_EQ(irq_edges, 1);
    EXPECT_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
    EXPECT_FALSE(irq);
    EXPECT_EQ(rd(RTC_REG_C), 0);
    // Reading C each time, as an interrupt handler does: 1024 interrupts a second.
    int handled = 0;
    uint64_t end = cycle + kHz;
    while (cycle < end) {
        advance(100);
        if (irq) {
            ++handled;
            EXPECT_EQ(rd(RTC_REG_C) & (RTC_C_IRQF | RTC_C_PF), RTC_C_IRQF | RTC_C_PF);
        }
    }
    EXPECT_EQ(handled, 1024);
    wr(RTC_REG_A, RTC_A_DV_NORMAL | 15);   // 2 Hz
    rd(RTC_REG_C);
    int before = irq_edges;
    advance(kHz);
    EXPECT_EQ(irq_edges, before + 1);
}

TEST_F(CmosRtcTest, PfIsSetEvenWithPieOffButRaisesNothing) {
    advance(kHz / 10);
    EXPECT_FALSE(irq);
    EXPECT_EQ(rd(RTC_REG_C), RTC_C_PF);   // 1024 Hz from power-on, interrupt disabled
    wr(RTC_REG_A, RTC_A_DV_NORMAL);        // RS 0: no periodic flag at all
    advance(kHz / 10);
    EXPECT_EQ(rd(RTC_REG_C), 0);
    EXPECT_TRUE(events.empty());
}

TEST_F(CmosRtcTest, UpdateEndedAndAlarmInterrupts) {
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    advance(kHz - 1);
    EXPECT_FALSE(irq);
    advance(1);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(RTC_REG_C) & (RTC_C_IRQF | RTC_C_UF), RTC_C_IRQF | RTC_C_UF);
    // Alarm at 00:00:05 (BCD), hours and minutes "don't care" for minutes: 0xC0.
    wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    wr(RTC_SECONDS_ALARM, 0x05);
    wr(RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
    wr(RTC_HOURS_ALARM, 0x00);
    rd(RTC_REG_C);
    advance(5 * kHz);   // the clock reads 00:00:04 now
    EXPECT_FALSE(irq);
    advance(kHz);
    EXPECT_TRUE(irq);
    EXPECT_EQ(rd(RTC_SECONDS), 0x05);
    EXPECT_EQ(rd(RTC_REG_C) & (RTC_C_IRQF | RTC_C_AF), RTC_C_IRQF | RTC_C_AF);
    advance(10 * kHz);
    EXPECT_FALSE(irq) << "the next match is a day away";
}

TEST_F(CmosRtcTest, DividerResetHoldsTheClockAndTheFirstUpdateComesHalfASecondAfter) {
    advance(kHz / 4);
    wr(RTC_REG_A, 0x70 | 6);
    advance(3 * kHz);
    EXPECT_EQ(rd(RTC_SECONDS), 0x58);
    wr(RTC_REG_A, RTC_A_DV_NORMAL | 6);
    advance(kHz / 2 - 1);
    EXPECT_EQ(rd(RTC_SECONDS), 0x58);
    advance(1);
    EXPECT_EQ(rd(RTC_SECONDS), 0x59);
}

TEST_F(CmosRtcTest, NmiMaskBitIsKeptAndDoesNotChangeTheIndex) {
    EXPECT_TRUE(rtc.nmi_enabled());
    ports.write(CMOS_INDEX_PORT, 1, CMOS_NMI_DISABLE | RTC_REG_D);
    EXPECT_FALSE(rtc.nmi_enabled());
    EXPECT_EQ(ports.read(CMOS_DATA_PORT, 1), uint32_t(RTC_D_VRT));
    wr(0x40, 0xa5);   // CMOS RAM
    EXPECT_TRUE(rtc.nmi_enabled());
    EXPECT_EQ(rd(0x40), 0xa5);
}

}  // namespace
}  // namespace ia32emu
