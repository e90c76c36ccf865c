// Independent against dependent misses: four interleaved pointer chases over a 16 MiB working set
// against one, and one chase whose loads and uses sit in different blocks. The out-of-order Pentium M has the four chains' misses in flight together, so a
// load costs a fraction of the DRAM latency (bounded below by the bus: a line per transfer); the
// in-order Atom waits for each. No published measurement of this exists for either core (see
// published_reference.h), so the test asserts the mechanism, not a figure.
#include <gtest/gtest.h>

#include <string>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

class MemoryLevelParallelismTest : public ValidationTest {
protected:
    double cycles_per_load(const std::string &board, const std::string &shape) {
        run_scenario("scenario=validate_latency size=16777216 loads=16384 " + shape, {"--board", board});
        RegionCounts shorter, longer;
        region("validate_latency:short", shorter);
        region("validate_latency:long", longer);
        return double(longer.cycles - shorter.cycles) / 16384.0;
    }
};

TEST_F(MemoryLevelParallelismTest, IndependentChasesOverlapOnThePentiumM) {
    double one = cycles_per_load("pentium-m", "chains=1");
    double four = cycles_per_load("pentium-m", "chains=4");
    // Four chains in flight: well under half a chase's latency each, but no faster than the
    // bus can bring the lines (line_overhead + 64 / 32 bytes = 3 bus clocks of 15 core cycles).
    EXPECT_LT(four, 0.4 * one) << "one chain " << one << ", four chains " << four;
    EXPECT_GT(four, 45.0) << "faster than the front-side bus carries lines";
}

// A chase that tests each pointer before following it (a linked-list walk in C) has each load in
// one block and its use in the next: the dependence still holds, so it costs what the one-block
// chase costs, plus a cycle or so for the test and branch.
TEST_F(MemoryLevelParallelismTest, AChaseSplitAcrossBlocksStillWaitsForEachMissOnThePentiumM) {
    double one = cycles_per_load("pentium-m", "chains=1");
    double split = cycles_per_load("pentium-m", "split=1");
    EXPECT_NEAR(split, one, 0.05 * one) << "one block " << one << ", split " << split;
}

TEST_F(MemoryLevelParallelismTest, TheInOrderAtomWaitsForEachMiss) {
    double one = cycles_per_load("atom-n270", "chains=1");
    double four = cycles_per_load("atom-n270", "chains=4");
    EXPECT_NEAR(four, one, 0.05 * one) << "one chain " << one << ", four chains " << four;
}

} // namespace
} // namespace ia32emu::test
