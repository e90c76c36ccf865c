// Run control a CI job relies on: a run stopped by a signal still reports, serial output is
// written as the guest produces it, --report goes where the path says, --fail-on gates on faults.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path &dir) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> run_args(const fs::path &kernel, std::vector<std::string> extra) {
    std::vector<std::string> argv{ia32emu_binary().string(), "run", kernel.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

// The runaway guest prints one line and spins: once the line is out, the run is mid-way.
constexpr const char *kRunawayLine = "runaway: spinning forever\n";

struct SignalCase {
    int signal;
    const char *name;
};

// Without it gtest prints the struct's bytes, padding included (uninitialised under Valgrind).
void PrintTo(const SignalCase &c, std::ostream *os) { *os << c.name; }

class StopBySignal : public ::testing::TestWithParam<SignalCase> {};

TEST_P(StopBySignal, WritesTheReportFlushesSerialAndExitsAsTheShellWould) {
    const auto [signo, name] = GetParam();
    ScratchDir dir;
    const fs::path report = dir.file("report.json");
    // stdout is a pipe: the line must arrive while the guest still runs, or the signal never comes.
    auto r = run_process(run_args(test_guest("runaway"), {"--report", report.string(), "--summary"}),
                         SignalWhen{signo, [](const ProcessResult &p) { return p.out.find(kRunawayLine) == 0; }},
                         std::chrono::seconds(60));
    ASSERT_FALSE(r.killed_by_safety_net) << "the serial line never arrived through the pipe: " << r.describe();
    EXPECT_EQ(r.exit_status, 128 + signo) << r.describe();
    EXPECT_EQ(r.out.rfind(kRunawayLine, 0), 0u) << r.out;
    EXPECT_NE(r.out.find("ia32emu summary:"), std::string::npos) << "summary asked for: " << r.out;
    EXPECT_NE(r.err.find(std::string("signal: ") + name), std::string::npos) << r.err;
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_EQ(j["exit"]["reason"], "signal");
    EXPECT_EQ(j["exit"]["signal"], name);
    EXPECT_EQ(j["exit"]["code"], 128 + signo);
    EXPECT_GT(j["totals"]["instructions"].get<uint64_t>(), 0u);
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"report.json"}) << "a temporary was left behind";
}

INSTANTIATE_TEST_SUITE_P(Signals, StopBySignal,
                         ::testing::Values(SignalCase{SIGINT, "SIGINT"}, SignalCase{SIGTERM, "SIGTERM"},
                                           SignalCase{SIGHUP, "SIGHUP"}),
                         [](const ::testing::TestParamInfo<SignalCase> &c) { return std::string(c.param.name); });

// Our kernel's bench prints a line per cell for tens of seconds; stopped after a few cells, the
// serial log holds every whole line the guest wrote, in order, as an uninterrupted run has them.
TEST(RunControl, KilledBenchKeepsEverySerialLineAndAParseableReport) {
    ScratchDir dir;
    const fs::path report = dir.file("bench.json"), serial = dir.file("serial.log");
    auto r = run_process(run_args(our_kernel(), {"--cmdline", "scenario=bench reps=2 slub_debug=-", "--serial",
                                                 serial.string(), "--report", report.string()}),
                         SignalWhen{SIGTERM,
                                    [&](const ProcessResult &) {
                                        return file_contents(serial).find("bench: kmalloc/1024 x2 ok\n") != std::string::npos;
                                    }},
                         std::chrono::seconds(120));
    ASSERT_FALSE(r.killed_by_safety_net) << "--serial FILE was not written through: " << r.describe();
    EXPECT_EQ(r.exit_status, 143) << r.describe();
    const std::string log = file_contents(serial);
    EXPECT_NE(log.find("bench: reps=2\n"), std::string::npos) << log;
    EXPECT_NE(log.find("bench: kmalloc/1024 x2 ok\n"), std::string::npos) << log;
    EXPECT_EQ(log.find("bench: fragmented lowmem"), std::string::npos) << "the run was not stopped mid-way";
    auto j = nlohmann::json::parse(file_contents(report));
    EXPECT_EQ(j["exit"]["reason"], "signal");
    bool found = false;
    for (const auto &region : j["regions"])
        found |= region["name"] == "kmalloc/1024" && region["calls"] == 2;
    EXPECT_TRUE(found) << "the cells completed before the signal are in the report";
}

// The engine checks the flag between blocks; with no limit at all the run still stops.
TEST(RunControl, SignalStopsARunWithNoLimits) {
    auto r = run_process(run_args(test_guest("runaway"), {}),
                         SignalWhen{SIGINT, [](const ProcessResult &p) { return !p.out.empty(); }},
                         std::chrono::seconds(60));
    EXPECT_EQ(r.exit_status, 130) << r.describe();
}

constexpr int kHelloExit = 42;

class ReportPaths : public GuestTest {
protected:
    // hello prints one line and exits with 42.
    ProcessResult run_hello(const std::string &report, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--report", report};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_process(run_args(test_guest("hello"), args));
    }
    ScratchDir dir_;
};

TEST_F(ReportPaths, SymlinkIsFollowedAndStaysASymlink) {
    const fs::path target = dir_.file("real.json"), link = dir_.file("link.json");
    std::ofstream(target) << "old";
    fs::create_symlink("real.json", link);
    auto r = run_hello(link.string());
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(nlohmann::json::parse(file_contents(target))["exit"]["reason"], "guest_exit");
    EXPECT_EQ(entries(dir_.path()), (std::vector<std::string>{"link.json", "real.json"}));
}

TEST_F(ReportPaths, DanglingSymlinkCreatesItsTarget) {
    fs::create_directory(dir_.file("out"));
    fs::create_symlink("out/new.json", dir_.file("link.json"));
    auto r = run_hello(dir_.file("link.json").string());
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_TRUE(fs::is_symlink(dir_.file("link.json")));
    EXPECT_TRUE(nlohmann::json::accept(file_contents(dir_.file("out/new.json"))));
}

TEST_F(ReportPaths, FifoIsWrittenNotReplaced) {
    const fs::path fifo = dir_.file("report.fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string received;
    std::thread reader([&] { received = file_contents(fifo); });
    auto r = run_hello(fifo.string());
    reader.join();
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_TRUE(fs::is_fifo(fifo));
    EXPECT_EQ(nlohmann::json::parse(received)["schema"], "ia32emu-report/3");
}

TEST_F(ReportPaths, DashIsStdoutAndSerialMovesToStderr) {
    auto r = run_hello("-", {"--summary"});
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_FALSE(fs::exists("-"));
    auto j = nlohmann::json::parse(r.out);   // nothing but the report on stdout
    EXPECT_EQ(j["exit"]["reason"], "guest_exit");
    EXPECT_NE(r.err.find("hello"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ia32emu summary:"), std::string::npos) << r.err;
}

TEST_F(ReportPaths, DevStdoutIsTheDescriptorNotAFile) {
    auto r = run_hello("/dev/stdout");
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out;
    struct stat st;
    ASSERT_EQ(::lstat("/dev/stdout", &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode)) << "/dev/stdout was replaced";
}

TEST_F(ReportPaths, DashWithSerialFileKeepsSerialThere) {
    auto r = run_hello("-", {"--serial", dir_.file("serial.log").string()});
    ASSERT_EQ(r.exit_status, kHelloExit) << r.describe();
    EXPECT_TRUE(nlohmann::json::accept(r.out));
    EXPECT_NE(file_contents(dir_.file("serial.log")).find("hello"), std::string::npos);
}

TEST_F(ReportPaths, UnusablePathsAreBadInputBeforeTheRun) {
    fs::create_directory(dir_.file("folder"));
    for (const std::string &bad : {dir_.file("missing/report.json").string(), dir_.file("folder").string()}) {
        auto r = run_hello(bad);
        EXPECT_EQ(r.exit_status, kExitBadInput) << bad << ": " << r.describe();
        EXPECT_EQ(r.out, "") << "the guest ran although the report could not be written";
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    }
}

TEST_F(ReportPaths, AFullDeviceFailsTheWriteWithOneLine) {
    auto r = run_hello("/dev/full");
    EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
    EXPECT_NE(r.err.find("/dev/full"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

class FailOn : public GuestTest {};

TEST_F(FailOn, AFaultOfAChosenKindFailsTheRun) {
    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys", {"--fail-on", "stale_tlb,dma_rejected"});
    EXPECT_EQ(run.exit_status, kExitFailOn) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_EQ((*run.report)["exit"]["code"], kExitFailOn);
    EXPECT_EQ((*run.report)["exit"]["fail_on"]["matched"]["dma_rejected"], 1);
    EXPECT_EQ(run.err_lines().back(), "ia32emu: --fail-on: the run recorded 1 dma_rejected (exit 121)");
}

TEST_F(FailOn, OtherKindsLeaveTheGuestsStatus) {
    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys", {"--fail-on", "stale_tlb"});
    EXPECT_EQ(run.exit_status, 7) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE((*run.report)["exit"]["fail_on"]["matched"].empty());
}

TEST_F(FailOn, CleanRunPassesAndAnyMatchesEveryKind) {
    auto clean = boot("scenario=dma_kmalloc", {"--fail-on", "any"});
    EXPECT_EQ(clean.exit_status, 0) << clean.describe();
    auto refused = boot("scenario=dma_vmalloc_map_single", {"--fail-on", "any"});
    EXPECT_EQ(refused.exit_status, kExitFailOn) << refused.describe();
}

TEST_F(FailOn, UnknownKindIsBadInput) {
    auto r = boot("scenario=boot", {"--fail-on", "dma_rejectd"});
    EXPECT_EQ(r.exit_status, kExitBadInput);
    EXPECT_NE(r.err.find("unknown fault kind 'dma_rejectd'"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

} // namespace
} // namespace ia32emu::test
