// Registering the block hook again (bounds::kTranslationsPerBlockHook) changes no figure of a
// run: it flushes Unicorn's translations and stops the run before a block, which resumes at that
// block. Our kernel runs twice in this process, with the real bound and with one of a few
// translations (a renewal every few new blocks, across faults, rdtsc hooks, timer interrupts and
// a kernel linked at 0xC0000000, above the board's RAM, whose blocks the renewal looks up).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "emu/bounds/host_bounds.h"
#include "tests/support/bounded_run.h"

namespace ia32emu::test {
namespace {

BoundedRun run_with_bound(const std::string &cmdline, uint64_t bound) {
    return run_our_kernel_bounded(
        cmdline, [bound](MachineOptions &o) { o.translations_per_block_hook = bound; }, "hooked_blocks");
}

class BlockHookRenewal : public ::testing::TestWithParam<const char *> {};

TEST_P(BlockHookRenewal, RenewingTheBlockHookChangesNoFigure) {
    const BoundedRun real = run_with_bound(GetParam(), bounds::kTranslationsPerBlockHook);
    const BoundedRun tiny = run_with_bound(GetParam(), 16);
    EXPECT_EQ(real.dropped, 0u) << "our kernel stays below the real bound";
    EXPECT_GT(tiny.dropped, 500u) << "the small bound did not make the engine renew the hook";
    expect_same_run(real, tiny);
}

INSTANTIATE_TEST_SUITE_P(OurKernel, BlockHookRenewal,
                         ::testing::Values("scenario=traps count=20", "scenario=timer loops=1",
                                           "scenario=dma_vmalloc_virt_to_phys"));

} // namespace
} // namespace ia32emu::test
