// `ia32emu diff` as a CI job uses it: two real runs on boards that differ find the regression
// (exit 1, one line each) once --force says the boards differ on purpose, identical runs find none
// (exit 0), and reports that cannot be compared, or are of different runs without --force, are
// refused with one line (exit 2).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "emu/report/report_diff.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

// One selftest run per board, shared by the tests: each run takes seconds.
class DiffCommand : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new ScratchDir;
        auto run = [](const std::string &name, std::vector<std::string> extra) {
            const fs::path report = dir_->file(name);
            std::vector<std::string> args{"run", our_kernel().string(), "--cmdline", "scenario=selftest slub_debug=-",
                                          "--report", report.string()};
            args.insert(args.end(), extra.begin(), extra.end());
            auto r = run_ia32emu_args(args);
            EXPECT_EQ(r.exit_status, 0) << r.describe();
            return report;
        };
        base_ = new fs::path(run("base.json", {}));
        again_ = new fs::path(run("again.json", {}));
        // An L1D an eighth of the Pentium M's: the allocators' working sets no longer fit.
        small_l1d_ = new fs::path(run("small_l1d.json", {"--set", "cache.l1d.size=4KiB"}));
    }
    static void TearDownTestSuite() {
        delete base_;
        delete again_;
        delete small_l1d_;
        delete dir_;
    }
    static ProcessResult diff(const fs::path &a, const fs::path &b, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"diff", a.string(), b.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ia32emu_args(args);
    }
    static inline ScratchDir *dir_ = nullptr;
    static inline fs::path *base_ = nullptr, *again_ = nullptr, *small_l1d_ = nullptr;
};

TEST_F(DiffCommand, IdenticalRunsShowNoChangeAndPass) {
    auto r = diff(*base_, *again_);
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.out.find(" 0 changed, 0 regressions\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("regression:"), std::string::npos) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(DiffCommand, SmallerCacheIsARegressionOneLineEach) {
    auto r = diff(*base_, *small_l1d_, {"--force"});
    ASSERT_EQ(r.exit_status, kExitDiffRegression) << r.describe();
    const auto a = nlohmann::json::parse(file_contents(*base_)), b = nlohmann::json::parse(file_contents(*small_l1d_));
    auto kmalloc = [](const nlohmann::json &j) {
        for (const auto &p : j["paths"])
            if (p["name"] == "kmalloc") return p;
        return nlohmann::json();
    };
    const double before = kmalloc(a)["per_call"]["l1d_misses"], after = kmalloc(b)["per_call"]["l1d_misses"];
    ASSERT_GT(after, before * 1.05) << "the smaller L1D must miss more in kmalloc";
    size_t regressions = 0;
    bool kmalloc_line = false;
    for (const std::string &line : r.out_lines()) {
        if (line.rfind("regression: ", 0) != 0) continue;
        ++regressions;
        // "regression: path kmalloc l1d_misses A -> B (+P% > 5%)"
        kmalloc_line |= line.rfind("regression: path kmalloc l1d_misses ", 0) == 0 && line.find(" -> ") != std::string::npos &&
                        line.find("> 5%)") != std::string::npos;
    }
    EXPECT_TRUE(kmalloc_line) << r.out;
    EXPECT_NE(r.out.find(", " + std::to_string(regressions) + " regressions\n"), std::string::npos) << r.out;
    EXPECT_GT(regressions, 0u);

    // The other way round kmalloc misses L1D less: not a regression. (L2 misses per call may rise:
    // a larger L1D keeps lines L2 then evicts.)
    auto back = diff(*small_l1d_, *base_, {"--force"});
    EXPECT_EQ(back.out.find("regression: path kmalloc l1d_misses"), std::string::npos) << back.out;
    EXPECT_NE(back.out.find("\npath    kmalloc"), std::string::npos) << back.out;
}

TEST_F(DiffCommand, ThresholdsPerMetricDecideWhatGates) {
    // Only cycles gate, and only past 10000%: nothing in this pair is that much slower.
    auto lax = diff(*base_, *small_l1d_,
                    {"--force", "--threshold", "10000", "--threshold", "l1d_misses=off", "--threshold", "l2_misses=off",
                     "--threshold", "dtlb_misses=off", "--threshold", "page_walks=off"});
    EXPECT_EQ(lax.exit_status, 0) << lax.out;
    EXPECT_EQ(lax.out.find("REGRESSION"), std::string::npos) << lax.out;
    // Misses still gate on their own threshold when cycles are off.
    auto misses = diff(*base_, *small_l1d_,
                       {"--force", "--threshold", "cycles_mean=off", "--threshold", "cycles_p50=off", "--threshold",
                        "cycles_p99=off"});
    EXPECT_EQ(misses.exit_status, kExitDiffRegression) << misses.out;
    for (const std::string &line : misses.out_lines())
        if (line.rfind("regression: ", 0) == 0) {
            EXPECT_EQ(line.find(" cycles_"), std::string::npos) << line;
        }
}

TEST_F(DiffCommand, RefusesWhatCannotBeCompared) {
    ScratchDir dir;
    auto j = nlohmann::json::parse(file_contents(*base_));
    j["schema"] = "ia32emu-report/1";
    const fs::path old_schema = dir.write("old.json", j.dump());
    auto r = diff(*base_, old_schema);
    EXPECT_EQ(r.exit_status, 2);
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("report schema 'ia32emu-report/1'"), std::string::npos) << r.err;

    j = nlohmann::json::parse(file_contents(*base_));
    j["exit"]["reason"] = "timeout";
    r = diff(*base_, dir.write("cut.json", j.dump()));
    EXPECT_EQ(r.exit_status, 2);
    EXPECT_NE(r.err.find("ended differently"), std::string::npos) << r.err;

    j = nlohmann::json::parse(file_contents(*base_));
    for (auto &p : j["paths"]) p["name"] = "renamed_" + p["name"].get<std::string>();
    r = diff(*base_, dir.write("renamed.json", j.dump()));
    EXPECT_EQ(r.exit_status, 2);
    EXPECT_NE(r.err.find("nothing to compare"), std::string::npos) << r.err;

    j = nlohmann::json::parse(file_contents(*base_));
    j["paths"][0].erase("cycles");
    r = diff(*base_, dir.write("field.json", j.dump()));
    EXPECT_EQ(r.exit_status, 2);
    EXPECT_EQ(r.err_lines().size(), 1u) << r.err;

    for (const fs::path &bad : {dir.write("text.json", "not json"), dir.path() / "missing.json", dir.path()}) {
        r = diff(*base_, bad);
        EXPECT_EQ(r.exit_status, 2) << bad;
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find(bad.string()), std::string::npos) << r.err;
    }
    for (const char *t : {"-5", "abc", "nope=3", "cycles_p50=", "cycles_p50=x"}) {
        r = diff(*base_, *again_, {"--threshold", t});
        EXPECT_EQ(r.exit_status, 2) << t;
        EXPECT_NE(r.err.find("--threshold"), std::string::npos) << r.err;
    }
}

TEST_F(DiffCommand, ReportsOfDifferentRunsAreRefusedSayingWhatDiffersUnlessForced) {
    // Another board: refused, naming the parameter that differs.
    auto r = diff(*base_, *small_l1d_);
    EXPECT_EQ(r.exit_status, 2) << r.out;
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("different runs: board (A pentium-m, B pentium-m: cache.l1d.size 32768 -> 4096)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    // Forced: compared, and the output says what differs.
    r = diff(*base_, *small_l1d_, {"--force"});
    EXPECT_EQ(r.exit_status, kExitDiffRegression) << r.describe();
    EXPECT_NE(r.out.find("\nnote: different runs, compared because of --force: board (A pentium-m, B pentium-m: "
                         "cache.l1d.size 32768 -> 4096)\n"),
              std::string::npos)
        << r.out;

    ScratchDir dir;
    const auto base = nlohmann::json::parse(file_contents(*base_));
    // Another kernel (its bytes, not its path) and another command line: both named.
    auto j = base;
    j["run"]["kernel"]["sha256"] = std::string(64, 'f');
    j["run"]["kernel"]["path"] = "other.elf";
    j["run"]["cmdline"] = "scenario=bench";
    r = diff(*base_, dir.write("other.json", j.dump()));
    EXPECT_EQ(r.exit_status, 2);
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("kernel (A " + base["run"]["kernel"]["sha256"].get<std::string>().substr(0, 12) + " " +
                         our_kernel().string() + ", B ffffffffffff other.elf); cmdline (A 'scenario=selftest "
                         "slub_debug=-', B 'scenario=bench')"),
              std::string::npos)
        << r.err;
    // The same kernel found at another path is the same run.
    j = base;
    j["run"]["kernel"]["path"] = "copy/of/kernel.elf";
    r = diff(*base_, dir.write("moved.json", j.dump()));
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    // A report of the previous schema cannot say what ran: refused by its schema.
    j = base;
    j["schema"] = "ia32emu-report/2";
    j.erase("run");
    r = diff(*base_, dir.write("v2.json", j.dump()));
    EXPECT_EQ(r.exit_status, 2);
    EXPECT_NE(r.err.find("report schema 'ia32emu-report/2', this ia32emu reads 'ia32emu-report/3'"), std::string::npos)
        << r.err;
}

// The arithmetic on crafted stats: per-call misses, p99 only from 100 calls, 0 -> n is infinite.
TEST(DiffReports, ComparesPerCallAndSkipsMissingP99) {
    Report a, b;
    a.exit.reason = b.exit.reason = "guest_exit";
    PathStats p;
    p.name = "vmalloc";
    p.calls = 10;
    p.cycles = summarize_cycles({100, 100, 100, 100, 100, 100, 100, 100, 100, 1000});
    p.dtlb_misses = 0;
    p.l1d_misses = 20;
    a.paths.push_back(p);
    p.calls = 20;   // twice the calls, the same misses per call: no change
    p.l1d_misses = 40;
    p.dtlb_misses = 1;
    p.cycles = summarize_cycles(std::vector<uint64_t>(20, 104));
    b.paths.push_back(p);
    DiffThresholds t;
    DiffResult d = diff_reports(a, b, t);
    EXPECT_EQ(d.compared, 1u);
    ASSERT_EQ(d.changes.size(), 3u);   // mean, p50, dtlb; not l1d (same per call), not p99 (< 100 calls)
    EXPECT_EQ(d.changes[0].metric, "cycles_mean");
    EXPECT_FALSE(d.changes[0].regression);   // 190 -> 104
    EXPECT_EQ(d.changes[1].metric, "cycles_p50");
    EXPECT_DOUBLE_EQ(d.changes[1].percent, 4.0);
    EXPECT_FALSE(d.changes[1].regression);   // +4% is within 5%
    EXPECT_EQ(d.changes[2].metric, "dtlb_misses");
    EXPECT_TRUE(std::isinf(d.changes[2].percent));
    EXPECT_TRUE(d.changes[2].regression);
    t.apply("cycles_p50=3.5");
    EXPECT_TRUE(diff_reports(a, b, t).changes[1].regression);
}

} // namespace
} // namespace ia32emu::test
