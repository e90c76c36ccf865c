// Instruction counts: a region around a loop of N iterations of k instructions counts exactly
// N x k plus the instructions between the markers and the loop.
//
// The guest (guest/scenarios/validate_icount.c) runs loops of k = 2 (dec; jnz) and k = 6 (add;
// xor; lea; nop; dec; jnz) for `iters` iterations (regions ...:once) and 2 x `iters` (...:twice).
// Each loop sits between a begin marker (out) and `mov $end_port, %edx; out`. A region runs from
// just after its begin marker to just before its end marker, wherever the markers fall in their
// translation blocks, so it holds the N x k loop instructions and the one mov: N x k + 1.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

class InstructionCountTest : public ValidationTest {
protected:
    // The constant instructions - k x n of the region `name`, for the loop of k instructions.
    int64_t constant_of(const std::string &name, uint64_t k, uint64_t n) {
        RegionCounts r;
        region(name, r);
        return int64_t(r.instructions) - int64_t(k * n);
    }
};

TEST_F(InstructionCountTest, RegionCountsAreLoopCountsExactly) {
    const uint64_t small = 1000, large = 7919;
    int64_t constants[2][2][2] = {};  // [k index][iters index][once/twice]
    const uint64_t ks[2] = {2, 6};
    const uint64_t iters[2] = {small, large};
    for (int n = 0; n < 2; ++n) {
        ASSERT_NO_FATAL_FAILURE(run_scenario("scenario=validate_icount iters=" + std::to_string(iters[n]), {}));
        EXPECT_NE(out_.find("validate_icount: iters=" + std::to_string(iters[n]) + " ok"), std::string::npos) << out_;
        for (int k = 0; k < 2; ++k) {
            std::string base = "validate_icount:k" + std::to_string(ks[k]);
            ASSERT_NO_FATAL_FAILURE(constants[k][n][0] = constant_of(base + ":once", ks[k], iters[n]));
            ASSERT_NO_FATAL_FAILURE(constants[k][n][1] = constant_of(base + ":twice", ks[k], 2 * iters[n]));
        }
    }
    for (int k = 0; k < 2; ++k) {
        // twice - once == k x iters exactly, for both iteration counts.
        EXPECT_EQ(constants[k][0][0], constants[k][0][1]) << "k=" << ks[k];
        EXPECT_EQ(constants[k][1][0], constants[k][1][1]) << "k=" << ks[k];
        // And the remainder does not depend on N at all.
        EXPECT_EQ(constants[k][0][0], constants[k][1][0]) << "k=" << ks[k];
        EXPECT_EQ(constants[k][0][0], 1) << "k=" << ks[k] << ": only the end marker's mov lies outside the loop";
    }
}

} // namespace
} // namespace ia32emu::test
