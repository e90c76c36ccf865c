// --check-mmu: the timing model's translations agree with the engine's on our kernel's scenarios, with and without PSE.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// The report's mmu_mismatch faults, one line each, for a failure message; empty when there are none.
std::string mismatches(const nlohmann::json &report) {
    std::string lines;
    for (const auto &f : report.at("faults"))
        if (f.at("kind") == "mmu_mismatch")
            lines += f.dump() + "\n";
    return lines;
}

class CheckMmuTest : public GuestTest {
protected:
    // Boots a scenario with every access checked; the run must exit 0 with a report free of mismatches.
    GuestResult checked_run(const std::string &cmdline, std::vector<std::string> extra_args = {}) {
        extra_args.push_back("--check-mmu");
        auto run = boot_with_report(cmdline, std::move(extra_args));
        EXPECT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
        EXPECT_TRUE(run.report) << run.report_problem;
        if (run.report) {
            EXPECT_EQ((*run.report)["exit"]["reason"], "guest_exit");
            EXPECT_TRUE((*run.report)["faults"].is_array());
            EXPECT_EQ(mismatches(*run.report), "") << cmdline;
        }
        return run;
    }
};

TEST_F(CheckMmuTest, SelftestHasNoMismatch) {
    auto run = checked_run("scenario=selftest");
    EXPECT_NE(run.out.find("100 passed, 0 failed"), std::string::npos) << run.out;
}

TEST_F(CheckMmuTest, OneBenchRepetitionHasNoMismatch) {
    checked_run("scenario=bench reps=1 slub_debug=-");
}

// Without PSE the guest maps its direct map with 4 KiB pages: still no mismatch, and the same
// scenario misses the DTLB more often, because each 4 MiB entry becomes up to 1024 small ones.
TEST_F(CheckMmuTest, WithoutPseTheDirectMapUsesSmallPagesAndMissesTheDtlbMore) {
    auto large = checked_run("scenario=selftest");
    auto small = checked_run("scenario=selftest", {"--set", "cpu.features.pse=false"});
    ASSERT_TRUE(large.report && small.report);
    EXPECT_EQ((*small.report)["board"]["cpu"]["features"]["pse"], false);
    EXPECT_NE(large.out.find("direct map uses 4 MiB PSE pages"), std::string::npos) << large.out;
    EXPECT_NE(small.out.find("direct map uses 4 KiB pages"), std::string::npos) << small.out;
    const uint64_t large_misses = (*large.report)["totals"]["dtlb"]["misses"].get<uint64_t>();
    const uint64_t small_misses = (*small.report)["totals"]["dtlb"]["misses"].get<uint64_t>();
    EXPECT_GT(small_misses, large_misses);
}

} // namespace
} // namespace ia32emu::test
