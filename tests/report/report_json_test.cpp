// Report JSON: schema shape and field order, and the atomic write's behaviour on failure.
#include "emu/report/report_json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/board/board_config.h"

namespace ia32emu {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Report sample_report() {
    Report r;
    r.board = BoardConfig::load("pentium-m").to_json();
    r.totals.instructions = 1000;
    r.totals.cycles = 2500;
    r.totals.l1d = {400, 12};
    r.totals.l2 = {12, 3};
    r.totals.dtlb = {400, 2};
    r.totals.page_walks = 2;
    r.totals.tlb_flushes = 1;
    PathStats p;
    p.name = "kmalloc";
    p.calls = 2;
    p.instructions = 120;
    p.cycles = summarize_cycles({100, 300});
    p.l1d_misses = 4;
    p.failures = 1;
    p.callees.push_back({"kmem_cache_alloc", 2, 150});
    p.call_sites.push_back({0xc0105000, "bench_cycle+0x20", 2, 400});
    r.paths.push_back(p);
    PathStats idle;
    idle.name = "vfree";
    r.paths.push_back(idle);
    PathStats region;
    region.name = "bench/kmalloc/32";
    region.calls = 1;
    region.cycles = summarize_cycles({900});
    r.regions.push_back(region);
    r.faults.push_back({"stale_tlb", 0xc0101234, "vmalloc", "va=0xd0000000 old=0x1003 new=0x2003", 1234});
    r.exit.code = 0;
    r.exit.reason = "guest_exit";
    r.totals.clock_mhz = 2000;
    r.host = {0.25, 4.0};
    r.dma.transfers = 1;
    r.dma.bytes = 4095;
    r.dma.cycles = 2000;
    return r;
}

std::vector<std::string> keys(const Json &j) {
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
    return out;
}

class ReportFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "report_test.XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
        for (auto &e : fs::recursive_directory_iterator(dir_))
            if (e.is_directory()) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add);
        fs::remove_all(dir_);
    }
    static std::string read(const fs::path &p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::vector<std::string> entries(const fs::path &d) const {
        std::vector<std::string> out;
        for (auto &e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
    fs::path dir_;
};

TEST(ReportJson, TopLevelShapeAndOrder) {
    Json j = report_to_json(sample_report());
    EXPECT_EQ(keys(j), (std::vector<std::string>{"schema", "run", "board", "totals", "paths", "regions", "faults", "dma",
                                                 "dropped", "exit", "host"}));
    EXPECT_TRUE(j["dropped"].is_object());
    EXPECT_EQ(j["schema"], "ia32emu-report/3");
    EXPECT_EQ(keys(j["run"]), (std::vector<std::string>{"kernel", "cmdline", "board"}));
    EXPECT_EQ(keys(j["run"]["kernel"]), (std::vector<std::string>{"path", "sha256", "bytes"}));
    EXPECT_EQ(keys(j["run"]["board"]), (std::vector<std::string>{"name", "sha256"}));
    EXPECT_EQ(j["board"]["cache"]["l1d"]["size"], 32768);
    EXPECT_EQ(keys(j["totals"]), (std::vector<std::string>{"instructions", "cycles", "l1i", "l1d", "l2", "itlb",
                                                          "dtlb", "page_walks", "tlb_flushes", "clock_mhz",
                                                          "modelled_seconds"}));
    EXPECT_DOUBLE_EQ(j["totals"]["modelled_seconds"].get<double>(), 2500 / 2000e6);
    for (const char *level : {"l1i", "l1d", "l2", "itlb", "dtlb"})
        EXPECT_EQ(keys(j["totals"][level]), (std::vector<std::string>{"accesses", "misses"})) << level;
    EXPECT_EQ(j["totals"]["l1d"]["misses"], 12);
    EXPECT_EQ(keys(j["exit"]), (std::vector<std::string>{"code", "reason", "signal", "fail_on"}));
    EXPECT_TRUE(j["exit"]["signal"].is_null());
    EXPECT_EQ(keys(j["host"]), (std::vector<std::string>{"wall_seconds", "mips"}));
    EXPECT_EQ(keys(j["dma"]), (std::vector<std::string>{"transfers", "bytes", "cycles"}));
    EXPECT_EQ(j["dma"]["bytes"], 4095);
}

TEST(ReportJson, PathsRegionsAndFaults) {
    Json j = report_to_json(sample_report());
    ASSERT_EQ(j["paths"].size(), 2u);
    const Json &p = j["paths"][0];
    EXPECT_EQ(keys(p), (std::vector<std::string>{"name", "calls", "failures", "instructions", "cycles", "modelled_us",
                                                 "l1d_misses", "l2_misses", "dtlb_misses", "page_walks", "tlb_flushes",
                                                 "per_call", "unwound", "callees", "call_sites"}));
    EXPECT_EQ(keys(p["cycles"]), (std::vector<std::string>{"total", "mean", "p50", "p99", "max"}));
    EXPECT_EQ(p["cycles"]["total"], 400);
    EXPECT_EQ(p["failures"], 1);
    EXPECT_DOUBLE_EQ(p["cycles"]["mean"].get<double>(), 200.0);
    EXPECT_EQ(p["cycles"]["p50"], 100);
    // Two samples: a p99 would only be the maximum again.
    EXPECT_TRUE(p["cycles"]["p99"].is_null());
    EXPECT_TRUE(p["modelled_us"]["p99"].is_null());
    EXPECT_DOUBLE_EQ(p["modelled_us"]["total"].get<double>(), 0.2);   // 400 cycles at 2000 MHz
    EXPECT_DOUBLE_EQ(p["per_call"]["l1d_misses"].get<double>(), 2.0);
    EXPECT_EQ(p["call_sites"][0], (Json{{"caller", "0xc0105000"}, {"symbol", "bench_cycle+0x20"}, {"calls", 2},
                                        {"cycles", 400}}));
    EXPECT_EQ(p["callees"][0], (Json{{"name", "kmem_cache_alloc"}, {"calls", 2}, {"cycles", 150}}));
    EXPECT_EQ(j["paths"][1]["calls"], 0);
    EXPECT_EQ(j["regions"][0]["name"], "bench/kmalloc/32");
    EXPECT_EQ(keys(j["regions"][0]), keys(p));
    EXPECT_EQ(j["faults"][0], (Json{{"kind", "stale_tlb"}, {"eip", "0xc0101234"}, {"symbol", "vmalloc"},
                                    {"detail", "va=0xd0000000 old=0x1003 new=0x2003"}, {"cycles", 1234}}));
}

TEST(ReportJson, SameReportSameBytes) {
    EXPECT_EQ(report_to_json(sample_report()).dump(2), report_to_json(sample_report()).dump(2));
}

TEST_F(ReportFiles, WriteReplacesTheFileAndLeavesNoTemporary) {
    fs::path out = dir_ / "report.json";
    std::ofstream(out) << "old";
    write_report(out, sample_report());
    Json back = Json::parse(read(out));
    EXPECT_EQ(back, report_to_json(sample_report()));
    EXPECT_EQ(entries(dir_), std::vector<std::string>{"report.json"});
    EXPECT_EQ(fs::status(out).permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST_F(ReportFiles, MissingFolderFailsWithOneLine) {
    fs::path out = dir_ / "no" / "such" / "report.json";
    try {
        write_report(out, sample_report());
        FAIL() << "expected ReportError";
    } catch (const ReportError &e) {
        std::string what = e.what();
        EXPECT_EQ(what.rfind("report: " + out.string() + ": cannot create a temporary file", 0), 0u) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(ReportFiles, RenameFailureRemovesTheTemporary) {
    // The target is a non-empty folder, which rename cannot replace even for root.
    fs::path out = dir_ / "report.json";
    fs::create_directory(out);
    std::ofstream(out / "keep") << "x";
    EXPECT_THROW(write_report(out, sample_report()), ReportError);
    EXPECT_EQ(entries(dir_), std::vector<std::string>{"report.json"});
    EXPECT_EQ(read(out / "keep"), "x");
}

TEST_F(ReportFiles, UnwritableFolderLeavesTheOldFileUntouched) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
    fs::path out = dir_ / "report.json";
    std::ofstream(out) << "old report";
    fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THROW(write_report(out, sample_report()), ReportError);
    fs::permissions(dir_, fs::perms::owner_all);
    EXPECT_EQ(read(out), "old report");
    EXPECT_EQ(entries(dir_), std::vector<std::string>{"report.json"});
}

TEST_F(ReportFiles, FailedWriteLeavesTheOldFileAndNoTemporary) {
    // A file-size limit makes write() fail half-way (EFBIG), for root as for anyone.
    fs::path out = dir_ / "report.json";
    std::ofstream(out) << "old report";
    auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit small = saved;
    small.rlim_cur = 64;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        write_report(out, sample_report());
    } catch (const ReportError &e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(message.rfind("report: " + out.string() + ": cannot write: ", 0), 0u) << message;
    EXPECT_EQ(read(out), "old report");
    EXPECT_EQ(entries(dir_), std::vector<std::string>{"report.json"});
}

TEST_F(ReportFiles, GuestBytesThatAreNotUtf8AreReplaced) {
    Report r = sample_report();
    r.regions[0].name = std::string("bad\xff\xfename");
    fs::path out = dir_ / "r.json";
    write_report(out, r);
    Json back = Json::parse(read(out));
    EXPECT_EQ(back["regions"][0]["name"].get<std::string>().rfind("bad", 0), 0u);
}

} // namespace
} // namespace ia32emu
