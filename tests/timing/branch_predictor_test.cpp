// BranchPredictor: a loop branch is learnt and costs nothing; a random branch costs the penalty
// about half the time; a pattern in the global history is learnt by gshare but not by bimodal.
#include "emu/timing/branch_predictor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace ia32emu {
namespace {

BranchPredictor make(uint32_t history_bits) { return BranchPredictor({4096, history_bits, 17}); }

TEST(BranchPredictor, LearnsALoopBranch) {
    BranchPredictor p = make(0);
    uint64_t cycles = 0;
    for (int i = 0; i < 1000; ++i) cycles += p.resolve(0xc0100010, true);
    // Starting weakly not-taken, only the first guess is wrong.
    EXPECT_EQ(cycles, 17u);
    EXPECT_EQ(p.stats().branches, 1000u);
    EXPECT_EQ(p.stats().mispredicts, 1u);
}

TEST(BranchPredictor, RandomDirectionsMissAboutHalfTheTime) {
    BranchPredictor p = make(12);
    uint64_t x = 88172645463325252ull;  // xorshift64
    for (int i = 0; i < 100000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p.resolve(0xc0100020, x & 1);
    }
    double rate = double(p.stats().mispredicts) / double(p.stats().branches);
    EXPECT_NEAR(rate, 0.5, 0.02);
}

TEST(BranchPredictor, GshareLearnsAnAlternatingBranchBimodalCannot) {
    BranchPredictor gshare = make(4), bimodal = make(0);
    for (int i = 0; i < 10000; ++i) {
        gshare.resolve(0x1000, i % 2);
        bimodal.resolve(0x1000, i % 2);
    }
    EXPECT_LT(gshare.stats().mispredicts, 20u);
    EXPECT_GT(bimodal.stats().mispredicts, 4000u);
}

TEST(BranchPredictor, NoEntriesMeansNoCost) {
    BranchPredictor p({0, 0, 17});
    EXPECT_EQ(p.resolve(0x1000, true), 0u);
    EXPECT_EQ(p.stats().branches, 0u);
}

TEST(BranchPredictor, RejectsATableThatIsNotAPowerOfTwo) {
    EXPECT_THROW(BranchPredictor({3000, 0, 17}), std::invalid_argument);
}

} // namespace
} // namespace ia32emu
