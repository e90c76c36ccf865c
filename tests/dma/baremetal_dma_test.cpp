// A bare-metal edu driver as an OS-dev tutorial writes it (tests/guests/edu_baremetal.c: no DMA
// API, no allocator, physical addresses by hand, the OSDev Bare Bones linker script). Its valid
// transfers must pass with one note saying which checks are off, its genuine bugs must still be
// refused by the device's own rules, and code a DMA writes over must run as the new bytes, as
// QEMU runs it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

using nlohmann::json;

constexpr int kRejected = 7;   // edu_baremetal's exit when the device refused a transfer

GuestResult run_baremetal(const std::string &test, std::vector<std::string> extra = {}) {
    GuestRun run;
    run.kernel = test_guest("edu_baremetal");
    run.cmdline = "test=" + test;
    run.extra_args = std::move(extra);
    run.extra_args.insert(run.extra_args.end(), {"--timeout", "60"});
    run.want_report = true;
    return run_ia32emu(run);
}

size_t dma_notes(const ProcessResult &r) {
    size_t n = 0;
    for (const std::string &l : r.err_lines())
        n += l.starts_with("ia32emu: note: DMA checks:");
    return n;
}

bool has_line(const ProcessResult &r, const std::string &line) {
    for (const std::string &l : r.out_lines())
        if (l == line)
            return true;
    return false;
}

TEST(BaremetalDmaTest, ValidTransfersPassWithOneNoteOnWhatIsOff) {
    auto run = run_baremetal("copy");
    ASSERT_EQ(run.exit_status, 0) << run.describe() << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(run.report->at("faults").empty()) << run.report->at("faults").dump(1);
    EXPECT_EQ(run.report->at("dma").at("transfers"), 8u);
    EXPECT_EQ(run.report->at("dma").at("bytes"), 2u * (1 + 64 + 1000 + 4095));
    const std::string note = run.report->at("dma").at("note");
    for (const char *says : {"no DMA API recognised", "rule (d)", "dma_api_misuse checks are off",
                             "rules (a)-(c) and kernel_image_write stay on", "no known allocator"})
        EXPECT_NE(note.find(says), std::string::npos) << says << " missing from: " << note;
    EXPECT_EQ(dma_notes(run), 1u) << run.err;
    EXPECT_TRUE(has_line(run, "copy: 0x00000fff bytes ok")) << run.out;
}

struct BareMetalBug {
    const char *test;
    const char *rule;
};

void PrintTo(const BareMetalBug &b, std::ostream *os) { *os << b.test; }

class BaremetalDmaBugTest : public ::testing::TestWithParam<BareMetalBug> {};

TEST_P(BaremetalDmaBugTest, TheDevicesOwnRulesStillRefuseIt) {
    const BareMetalBug &bug = GetParam();
    auto run = run_baremetal(bug.test);
    ASSERT_EQ(run.exit_status, kRejected) << run.describe() << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    const json &faults = run.report->at("faults");
    ASSERT_EQ(faults.size(), 1u) << faults.dump(1);
    const json &f = faults[0];
    EXPECT_EQ(f.at("kind"), "dma_rejected");
    EXPECT_EQ(f.at("rule"), bug.rule) << f.dump(1);
    // The doorbell is rung in the driver's edu_dma.
    ASSERT_FALSE(f.at("backtrace").empty()) << f.dump(1);
    EXPECT_TRUE(f.at("backtrace")[0].at("symbol").get<std::string>().starts_with("edu_dma+")) << f.dump(1);
    EXPECT_LE(f.at("detail").get<std::string>().size(), 800u);
    EXPECT_EQ(dma_notes(run), 1u) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Bugs, BaremetalDmaBugTest,
                         ::testing::Values(BareMetalBug{"outside_ram", "not_ram"},
                                           BareMetalBug{"framebuffer", "above_dma_mask"},
                                           BareMetalBug{"kernel_code", "kernel_image_write"},
                                           BareMetalBug{"huge", "device_buffer_range"}),
                         [](const ::testing::TestParamInfo<BareMetalBug> &p) { return std::string(p.param.test); });

TEST(BaremetalDmaTest, OverwritingTheKernelsCodeNamesTheFunctionHit) {
    auto run = run_baremetal("kernel_code");
    ASSERT_TRUE(run.report) << run.report_problem;
    ASSERT_EQ(run.report->at("faults").size(), 1u);
    const std::string detail = run.report->at("faults")[0].at("detail");
    EXPECT_NE(detail.find("(kernel_main+0x0)"), std::string::npos) << detail;
    EXPECT_NE(detail.find("R-X"), std::string::npos) << detail;
}

// Code loaded by DMA runs as the new bytes, with and without the timing model.
TEST(BaremetalDmaTest, CodeADeviceWroteRunsAsTheNewBytes) {
    for (std::vector<std::string> extra : {std::vector<std::string>{}, std::vector<std::string>{"--no-timing"}}) {
        auto run = run_baremetal("jit", extra);
        EXPECT_EQ(run.exit_status, 0) << run.describe() << run.out;
        EXPECT_TRUE(has_line(run, "jit: the loaded code returns 0x00000001")) << run.out;
        EXPECT_TRUE(has_line(run, "jit: after the DMA it returns 0x00000002")) << run.out;
        ASSERT_TRUE(run.report) << run.report_problem;
        EXPECT_TRUE(run.report->at("faults").empty()) << run.report->at("faults").dump(1);
    }
}

class BaremetalDmaQemuTest : public QemuTest, public ::testing::WithParamInterface<const char *> {};

// QEMU with -device edu is the oracle for the good paths: the same lines, the mapped exit status.
TEST_P(BaremetalDmaQemuTest, QemuPrintsTheSameLines) {
    auto ours = run_baremetal(GetParam());
    QemuRun q;
    q.kernel = test_guest("edu_baremetal");
    q.append = std::string("test=") + GetParam();
    q.extra_args = {"-device", "edu"};
    auto theirs = run_qemu(qemu_path_, q);
    ASSERT_FALSE(theirs.killed_by_safety_net) << theirs.describe();
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(theirs.exit_status, qemu_exit_status(0)) << theirs.describe() << theirs.out;
    auto a = comparable_lines(ours.out), b = comparable_lines(theirs.out);
    EXPECT_EQ(a, b) << "ia32emu:\n" << ours.out << "\nQEMU:\n" << theirs.out;
    EXPECT_GE(a.size(), 3u) << ours.out;
}

INSTANTIATE_TEST_SUITE_P(GoodPaths, BaremetalDmaQemuTest, ::testing::Values("copy", "jit"),
                         [](const ::testing::TestParamInfo<const char *> &p) { return std::string(p.param); });

} // namespace
} // namespace ia32emu::test
