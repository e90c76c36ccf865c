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

// The whole boot to the init's exit, ~6.4e9 instructions: the decompressor, the PIT calibration,
// timer interrupts in the idle loop, user mode and the 8250's interrupts all take part. Two
// full-model runs at once cost ~5 minutes of CPU each on the 2-core development machine.
constexpr int kRunLimitSeconds = 1500;

TEST_F(DebianLinux, TwoFullModelRunsGiveIdenticalReportsAndConsoles) {
    const DebianKernel *kernel = &*kernel_;
    ScratchDir dir;
    auto run = [&](const std::string &name) {
        auto report = dir.file(name);
        return std::pair{run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", kernel->initrd.string(),
                                           "--cmdline", kLinuxCmdline, "--symbols", kernel->system_map.string(),
                                           "--report", report.string(), "--timeout",
                                           std::to_string(kRunLimitSeconds)},
                                          std::chrono::seconds(kRunLimitSeconds + 10)),
                         report};
    };
    // The two runs share the machine at the same time: nothing the host does may leak in.
    auto second = std::async(std::launch::async, run, "b.json");
    auto [run_a, report_a] = run("a.json");
    auto [run_b, report_b] = second.get();
    ASSERT_EQ(run_a.exit_status, 0) << run_a.describe() << "\n" << run_a.err;
    ASSERT_EQ(run_b.exit_status, 0) << run_b.describe() << "\n" << run_b.err;
    EXPECT_TRUE(contains(run_a.out, "ia32emu-init:")) << run_a.out;
    EXPECT_EQ(run_a.out, run_b.out);

    std::ifstream in_a(report_a), in_b(report_b);
    ASSERT_TRUE(in_a && in_b);
    auto a = nlohmann::json::parse(in_a), b = nlohmann::json::parse(in_b);
    EXPECT_EQ(a["exit"]["reason"], "guest_exit");
    // The memory model ran: the decompressor streams its input and output through the caches.
    EXPECT_GT(a["totals"]["l1d"]["misses"].get<uint64_t>(), 100000u) << a["totals"].dump();
    EXPECT_GT(a["totals"]["l2"]["misses"].get<uint64_t>(), 10000u) << a["totals"].dump();
    // Linux's allocators were timed call by call, so their cycle figures are compared too.
    const nlohmann::json *slab = report_entry(a["paths"], "kmem_cache_alloc");
    ASSERT_NE(slab, nullptr) << a["paths"].dump().substr(0, 2000);
    EXPECT_GT((*slab)["calls"].get<uint64_t>(), 1000u);
    a.erase("host");
    b.erase("host");
    EXPECT_EQ(a, b) << "first difference:\n" << nlohmann::json::diff(a, b).dump(2).substr(0, 2000);
}

} // namespace
} // namespace ia32emu::test
