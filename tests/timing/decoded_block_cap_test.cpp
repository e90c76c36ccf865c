// Dropping the timing model's decoded blocks at their cap (bounds::kDecodedBlockBytes) changes no
// figure of a run: a block is decoded from its bytes alone, so decoding it again gives the same
// block. Our kernel runs twice in this process, with the real cap and with one a few blocks wide
// (a drop every few new blocks, across faults, rdtsc and timer interrupts).
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

struct CappedRun {
    nlohmann::ordered_json report;   // without "dropped" and the host's wall-clock figures
    std::string serial;
    uint64_t dropped_blocks = 0;
};

CappedRun run_with_cap(const std::string &cmdline, size_t decoded_block_bytes) {
    CappedRun run;
    MachineOptions o;
    o.board = BoardConfig::defaults();
    o.kernel = our_kernel();
    o.cmdline = cmdline;
    o.firmware = load_firmware(build_dir() / "firmware" / "firmware.bin");
    o.serial_sink = [&run](uint8_t c) { run.serial.push_back(char(c)); };
    o.decoded_block_bytes = decoded_block_bytes;
    Machine machine(std::move(o));
    const RunOutcome outcome = machine.run();
    Report r = machine.report(outcome, 0);
    if (auto it = r.dropped.find("decoded_blocks"); it != r.dropped.end())
        run.dropped_blocks = it->second;
    r.dropped.erase("decoded_blocks");
    run.report = report_to_json(r);
    run.report.erase("host");
    return run;
}

class DecodedBlockCap : public ::testing::TestWithParam<const char *> {};

TEST_P(DecodedBlockCap, DroppingDecodedBlocksChangesNoFigure) {
    const CappedRun real = run_with_cap(GetParam(), bounds::kDecodedBlockBytes);
    const CappedRun tiny = run_with_cap(GetParam(), 4u << 10);
    EXPECT_EQ(real.dropped_blocks, 0u) << "our kernel fits the real cap";
    EXPECT_GT(tiny.dropped_blocks, 500u) << "the small cap did not make the decoder drop";
    EXPECT_EQ(real.report["exit"]["reason"], "guest_exit") << real.serial;
    EXPECT_EQ(real.serial, tiny.serial);
    EXPECT_EQ(real.report["totals"], tiny.report["totals"]);
    EXPECT_EQ(real.report.dump(), tiny.report.dump());
}

// Faults (the running block tells how much of it ran), rdtsc hooks and timer interrupts.
INSTANTIATE_TEST_SUITE_P(OurKernel, DecodedBlockCap,
                         ::testing::Values("scenario=traps count=20", "scenario=timer loops=1"));

} // namespace
} // namespace ia32emu::test
