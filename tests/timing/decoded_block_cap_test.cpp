// Dropping the timing model's decoded blocks at their cap (bounds::kDecodedBlockBytes) changes no
// figure of a run: a block is decoded from its bytes alone, so decoding it again gives the same
// block. Our kernel runs twice in this process, with the real cap and with one a few blocks wide
// (a drop every few new blocks, across faults, rdtsc and timer interrupts).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "emu/bounds/host_bounds.h"
#include "tests/support/bounded_run.h"

namespace ia32emu::test {
namespace {

BoundedRun run_with_cap(const std::string &cmdline, size_t bound) {
    return run_our_kernel_bounded(
        cmdline, [bound](MachineOptions &o) { o.decoded_block_bytes = bound; }, "decoded_blocks");
}

class DecodedBlockCap : public ::testing::TestWithParam<const char *> {};

TEST_P(DecodedBlockCap, DroppingDecodedBlocksChangesNoFigure) {
    const BoundedRun real = run_with_cap(GetParam(), bounds::kDecodedBlockBytes);
    const BoundedRun tiny = run_with_cap(GetParam(), 4u << 10);
    EXPECT_EQ(real.dropped, 0u) << "our kernel fits the real cap";
    EXPECT_GT(tiny.dropped, 500u) << "the small cap did not make the decoder drop";
    expect_same_run(real, tiny);
}

// Faults (the running block tells how much of it ran), rdtsc hooks and timer interrupts.
INSTANTIATE_TEST_SUITE_P(OurKernel, DecodedBlockCap,
                         ::testing::Values("scenario=traps count=20", "scenario=timer loops=1"));

} // namespace
} // namespace ia32emu::test
