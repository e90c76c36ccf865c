// rdtsc reads the modelled clock: deterministic, bounded by the work between two reads, per board.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// tests/guests/rdtsc.S runs 100000 iterations of `dec; jnz` between its two reads.
constexpr uint64_t kLoopIterations = 100000;
constexpr uint64_t kLoopInstructions = 2 * kLoopIterations;

class RdtscTest : public GuestTest {
protected:
    // Runs the guest and returns the delta it printed; fails the test when there is none.
    std::optional<uint64_t> delta(std::vector<std::string> extra_args = {}) {
        auto run = boot_kernel(test_guest("rdtsc"), "", std::move(extra_args));
        EXPECT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
        static const std::regex line(R"(rdtsc: delta 0x([0-9a-f]{16}))");
        for (const std::string &l : run.out_lines()) {
            std::smatch m;
            if (std::regex_match(l, m, line))
                return std::stoull(m[1], nullptr, 16);
        }
        ADD_FAILURE() << "no delta line in:\n" << run.out;
        return std::nullopt;
    }
};

TEST_F(RdtscTest, TwoRunsPrintTheSameDelta) {
    auto first = delta(), second = delta();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, *second);
}

// The delta comes from the cost model, not the host: making a branch dearer by 4 cycles adds
// exactly 4 cycles to each block of the loop's `dec; jnz`, which the branch bounds. The first
// iteration runs in the block of the moves before the loop, whose other work hides part of it.
TEST_F(RdtscTest, DearerBranchesAddFourCyclesPerLoopIteration) {
    auto plain = delta({"--set", "cost.branch=1"}), dear = delta({"--set", "cost.branch=5"});
    ASSERT_TRUE(plain && dear);
    EXPECT_GE(*dear - *plain, 4 * (kLoopIterations - 1));
    EXPECT_LE(*dear - *plain, 4 * kLoopIterations);
}

// The loop is one chain through ECX: at least a cycle an iteration however wide the core.
TEST_F(RdtscTest, DeltaIsAtLeastTheLoopAndAtMostTwentyCyclesPerInstruction) {
    auto d = delta();
    ASSERT_TRUE(d);
    EXPECT_GE(*d, kLoopIterations);
    EXPECT_LE(*d, 20 * kLoopInstructions);
}

TEST_F(RdtscTest, AnotherBoardIsDeterministicToo) {
    auto first = delta({"--board", "atom-n270"}), second = delta({"--board", "atom-n270"});
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, *second);
    EXPECT_GE(*first, kLoopInstructions);
    EXPECT_LE(*first, 20 * kLoopInstructions);
}

// tests/guests/rdtsc_patched.S rewrites the routine that reads the TSC, as Linux's alternatives
// do, and runs it after each rewrite. The host's TSC (what Unicorn's own rdtsc returns) counts
// from the host's boot, far past 2^32 cycles; this guest's modelled clock stays far below.
class PatchedRdtscTest : public GuestTest {
protected:
    // The three values the guest prints: original, after `lfence; rdtsc`, after `movl`.
    std::vector<uint64_t> readings(std::vector<std::string> extra_args = {}) {
        auto run = boot_kernel(test_guest("rdtsc_patched"), "", std::move(extra_args));
        EXPECT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
        static const std::regex line(R"(rdtsc_patched: (original|lfence|mov) 0x([0-9a-f]{16}))");
        std::vector<uint64_t> values;
        for (const std::string &l : run.out_lines()) {
            std::smatch m;
            if (std::regex_match(l, m, line))
                values.push_back(std::stoull(m[2], nullptr, 16));
        }
        EXPECT_EQ(values.size(), 3u) << run.out;
        return values;
    }

    void expect_modelled_clock_after_each_rewrite(std::vector<std::string> extra_args) {
        auto first = readings(extra_args), second = readings(extra_args);
        ASSERT_EQ(first.size(), 3u);
        EXPECT_EQ(first, second) << "a host clock leaked in";
        EXPECT_LT(first[0], 1ull << 32);
        EXPECT_GT(first[1], first[0]);
        EXPECT_LT(first[1], 1ull << 32) << "the rewritten rdtsc read the host's TSC";
        // The routine's `ret` now sits where the rdtsc hook of the previous version was.
        EXPECT_EQ(first[2], 0x12345678u) << "a hook of the rewritten code survived into the new code";
    }
};

TEST_F(PatchedRdtscTest, CodeRewrittenInPlaceReadsTheModelledClock) { expect_modelled_clock_after_each_rewrite({}); }

TEST_F(PatchedRdtscTest, CodeRewrittenInPlaceReadsTheModelledClockWithoutTiming) {
    expect_modelled_clock_after_each_rewrite({"--no-timing"});
}

} // namespace
} // namespace ia32emu::test
