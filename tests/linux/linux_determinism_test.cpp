// Determinism on a real kernel: the same bzImage, initrd, command line and board give the same
// report, outside `host`, and the same console output, with the full timing model (caches, TLBs,
// page walks, the clock every device schedules by), not only the static costs of --no-timing.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/linux/debian_kernel.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// A short run: the boot code, the firmware's hand-over and 4e8 instructions of Linux's own XZ
// decompressor, ~1 minute for both runs on a quiet machine. Past the decompressor (2.2e9) the
// full model costs many minutes on the shared machine; the full boot is covered by --no-timing.
constexpr const char *kInstructions = "400000000";

TEST_F(DebianLinux, TwoFullModelRunsGiveIdenticalReportsAndConsoles) {
    const DebianKernel *kernel = &*kernel_;
    ScratchDir dir;
    auto run = [&](const std::string &name) {
        auto report = dir.file(name);
        return std::pair{run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", kernel->initrd.string(),
                                           "--cmdline", kLinuxCmdline, "--symbols", kernel->system_map.string(),
                                           "--report", report.string(), "--max-insns", kInstructions, "--timeout",
                                           "840"},
                                          std::chrono::seconds(850)),
                         report};
    };
    // The two runs share the machine at the same time: nothing the host does may leak in.
    auto second = std::async(std::launch::async, run, "b.json");
    auto [run_a, report_a] = run("a.json");
    auto [run_b, report_b] = second.get();
    ASSERT_EQ(run_a.exit_status, 125) << run_a.describe() << "\n" << run_a.err;
    ASSERT_EQ(run_b.exit_status, 125) << run_b.describe() << "\n" << run_b.err;
    EXPECT_EQ(run_a.out, run_b.out);

    std::ifstream in_a(report_a), in_b(report_b);
    ASSERT_TRUE(in_a && in_b);
    auto a = nlohmann::json::parse(in_a), b = nlohmann::json::parse(in_b);
    EXPECT_EQ(a["exit"]["reason"], "instruction_budget");
    // The memory model ran: the decompressor streams its input and output through the caches.
    EXPECT_GT(a["totals"]["l1d"]["misses"].get<uint64_t>(), 100000u) << a["totals"].dump();
    EXPECT_GT(a["totals"]["l2"]["misses"].get<uint64_t>(), 10000u) << a["totals"].dump();
    a.erase("host");
    b.erase("host");
    EXPECT_EQ(a, b) << "first difference:\n" << nlohmann::json::diff(a, b).dump(2).substr(0, 2000);
}

} // namespace
} // namespace ia32emu::test
