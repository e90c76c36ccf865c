// Registering the block hook again (bounds::kTranslationsPerBlockHook) changes no figure of a
// run: it flushes Unicorn's translations and stops the run before a block, which resumes at that
// block. Our kernel runs twice in this process, with the real bound and with one of a few
// translations (a renewal every few new blocks, across faults, rdtsc hooks, timer interrupts and
// a kernel linked at 0xC0000000, above the board's RAM, whose blocks the renewal looks up).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "emu/board/board_config.h"
#include "emu/engine/machine.h"
#include "emu/report/report_json.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

struct RenewedRun {
    nlohmann::ordered_json report;   // without "dropped" and the host's wall-clock figures
    std::string serial;
    uint64_t hooked_blocks = 0;
};

RenewedRun run_with_bound(const std::string &cmdline, uint64_t translations_per_block_hook) {
    RenewedRun run;
    MachineOptions o;
    o.board = BoardConfig::defaults();
    o.kernel = our_kernel();
    o.cmdline = cmdline;
    o.firmware = load_firmware(build_dir() / "firmware" / "firmware.bin");
    o.serial_sink = [&run](uint8_t c) { run.serial.push_back(char(c)); };
    o.translations_per_block_hook = translations_per_block_hook;
    Machine machine(std::move(o));
    const RunOutcome outcome = machine.run();
    Report r = machine.report(outcome, 0);
    if (auto it = r.dropped.find("hooked_blocks"); it != r.dropped.end())
        run.hooked_blocks = it->second;
    r.dropped.erase("hooked_blocks");
    run.report = report_to_json(r);
    run.report.erase("host");
    return run;
}

class BlockHookRenewal : public ::testing::TestWithParam<const char *> {};

TEST_P(BlockHookRenewal, RenewingTheBlockHookChangesNoFigure) {
    const RenewedRun real = run_with_bound(GetParam(), bounds::kTranslationsPerBlockHook);
    const RenewedRun tiny = run_with_bound(GetParam(), 16);
    EXPECT_EQ(real.hooked_blocks, 0u) << "our kernel stays below the real bound";
    EXPECT_GT(tiny.hooked_blocks, 500u) << "the small bound did not make the engine renew the hook";
    EXPECT_EQ(real.report["exit"]["reason"], "guest_exit") << real.serial;
    EXPECT_EQ(real.serial, tiny.serial);
    EXPECT_EQ(real.report["totals"], tiny.report["totals"]);
    EXPECT_EQ(real.report.dump(), tiny.report.dump());
}

INSTANTIATE_TEST_SUITE_P(OurKernel, BlockHookRenewal,
                         ::testing::Values("scenario=traps count=20", "scenario=timer loops=1",
                                           "scenario=dma_vmalloc_virt_to_phys"));

} // namespace
} // namespace ia32emu::test
