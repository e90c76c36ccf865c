// Our kernel's `timer` scenario: PIT channel 0 at HZ on IRQ 0 through our own 8259 setup. The
// PIT's period, turned into CPU cycles by the board's clock, is the oracle for the TSC cycles the
// kernel measured over a hlt sleep and a busy loop.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "devices/abi/pit8254.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

struct Measured {
    unsigned divisor = 0;
    unsigned sleep_ticks = 0, wakeups = 0;
    unsigned long long sleep_cycles = 0;
    unsigned long loops = 0;
    unsigned busy_ticks = 0;
    unsigned long long busy_cycles = 0;
    unsigned spurious = ~0u;
};

Measured parse(const std::string &out) {
    Measured m;
    for (const std::string &line : split_lines(out)) {
        std::sscanf(line.c_str(), "timer: PIT channel 0 in mode 2, divisor %u", &m.divisor);
        std::sscanf(line.c_str(), "timer: hlt sleep: %u ticks, %u wake-ups, %llu TSC cycles", &m.sleep_ticks,
                    &m.wakeups, &m.sleep_cycles);
        std::sscanf(line.c_str(), "timer: busy loop of %lu iterations: %u ticks, %llu TSC cycles", &m.loops,
                    &m.busy_ticks, &m.busy_cycles);
        std::sscanf(line.c_str(), "timer: spurious interrupts %u", &m.spurious);
    }
    return m;
}

class TimerScenarioTest : public GuestTest {};

TEST_F(TimerScenarioTest, TicksMatchThePitPeriodInCpuCycles) {
    for (unsigned hz : {100u, 1000u}) {
        auto run = boot("scenario=timer hz=" + std::to_string(hz) + " sleep=25 loops=10000000",
                        {"--set", "cpu.clock_mhz=2000"});
        ASSERT_EQ(run.exit_status, 0) << run.describe();
        Measured m = parse(run.out);
        EXPECT_EQ(m.divisor, (PIT_HZ + hz / 2) / hz) << run.out;
        const double period = 2000e6 * m.divisor / PIT_HZ;
        // Every wake-up from the sleep is one tick: nothing else interrupts.
        EXPECT_EQ(m.sleep_ticks, 25u) << run.out;
        EXPECT_EQ(m.wakeups, 25u) << run.out;
        EXPECT_NEAR(double(m.sleep_cycles) / m.sleep_ticks, period, period * 0.001) << run.out;
        // The busy loop sees as many ticks as its cycles hold periods, give or take the one it
        // started or ended inside.
        EXPECT_NEAR(double(m.busy_ticks), double(m.busy_cycles) / period, 1.0) << run.out;
        EXPECT_GT(m.busy_ticks, 0u) << run.out;
        EXPECT_EQ(m.spurious, 0u) << run.out;
    }
}

TEST_F(TimerScenarioTest, SameRunSameTicksBitForBit) {
    auto a = boot("scenario=timer"), b = boot("scenario=timer");
    ASSERT_EQ(a.exit_status, 0) << a.describe();
    EXPECT_EQ(a.out, b.out);
}

TEST_F(TimerScenarioTest, ARateThePitCannotMakeIsABadCommandLine) {
    auto run = boot("scenario=timer hz=5");
    EXPECT_EQ(run.exit_status, 6) << run.describe();
    EXPECT_NE(run.out.find("timer: hz must be in 19..10000"), std::string::npos) << run.out;
}

} // namespace
} // namespace ia32emu::test
