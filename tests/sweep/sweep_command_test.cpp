// `ia32emu sweep` as a user runs it, without a guest: bad input stops it before anything runs,
// failing points are recorded and do not stop it, and a second run resumes.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

size_t count_of(const std::string &text, const std::string &needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

class SweepCommandTest : public ::testing::Test {
protected:
    fs::path sweep_file(const std::string &body) {
        return dir_.write("sweep.toml", "kernel = \"" + junk_kernel_.string() + "\"\n" + body);
    }
    ProcessResult sweep(std::vector<std::string> args) {
        args.insert(args.begin(), "sweep");
        return run_ia32emu_args(args);
    }

    ScratchDir dir_;
    // Exists, so the sweep accepts it, but is no ELF: every `ia32emu run` refuses it at once.
    fs::path junk_kernel_ = dir_.write("junk.elf", "this is not a kernel\n");
    fs::path out_ = dir_.file("out");
};

TEST_F(SweepCommandTest, BadInputExitsTwoBeforeAnythingRuns) {
    struct Case {
        std::string body, expected;
    } cases[] = {
        {"[grid]\ncache.l1d.sise = [\"16KiB\"]\n", "unknown key 'cache.l1d.sise'"},
        {"[grid]\ncache.l1d.size = []\n", "empty list"},
        {"[grid]\ncache.l1d.size = [\"16KiB\", \"48KiB\"]\n", "cache.l1d.size=48KiB"},
        {"[[zip]]\ncache.l1d.size = [\"16KiB\"]\ncache.l1d.ways = [4, 8]\n", "zip: cache.l1d.ways has 2 values"},
    };
    for (const Case &c : cases) {
        ProcessResult r = sweep({sweep_file(c.body).string(), "--out", out_.string()});
        EXPECT_EQ(r.exit_status, 2) << c.body << r.describe();
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out_)) << c.body;
    }
    const fs::path no_kernel = dir_.write("nokernel.toml", "kernel = \"missing.elf\"\n");
    ProcessResult missing = sweep({no_kernel.string(), "--out", out_.string()});
    EXPECT_EQ(missing.exit_status, 2);
    EXPECT_NE(missing.err.find("missing.elf' not found"), std::string::npos) << missing.err;

    // 101 x 100 points: refused unless --yes.
    std::string a, b;
    for (int i = 1; i <= 101; ++i) a += (i > 1 ? "," : "") + std::to_string(i);
    for (int i = 1; i <= 100; ++i) b += (i > 1 ? "," : "") + std::to_string(i);
    ProcessResult huge = sweep({sweep_file("[grid]\ncost.alu = [" + a + "]\ncost.mul = [" + b + "]\n").string(),
                                "--out", out_.string()});
    EXPECT_EQ(huge.exit_status, 2);
    EXPECT_NE(huge.err.find("10100 points"), std::string::npos) << huge.err;

    const fs::path good = sweep_file("[grid]\ncache.l1d.size = [\"16KiB\"]\n");
    ProcessResult metric = sweep({good.string(), "--out", out_.string(), "--metric", "speed"});
    EXPECT_EQ(metric.exit_status, 2);
    EXPECT_NE(metric.err.find("unknown metric 'speed'"), std::string::npos) << metric.err;
    ProcessResult no_out = sweep({good.string()});
    EXPECT_EQ(no_out.exit_status, 2);
    EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;
    ProcessResult stray = sweep({good.string(), "--out", out_.string(), "--partition", "batch"});
    EXPECT_EQ(stray.exit_status, 2);
    EXPECT_NE(stray.err.find("need --slurm"), std::string::npos) << stray.err;
    EXPECT_FALSE(fs::exists(out_));
    ProcessResult collect = sweep({"collect", dir_.file("nothing").string()});
    EXPECT_EQ(collect.exit_status, 2);
    EXPECT_NE(collect.err.find("not a sweep folder"), std::string::npos) << collect.err;
}

TEST_F(SweepCommandTest, FailingPointsAreRecordedAndTheSweepGoesOn) {
    const fs::path file = sweep_file("[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    ProcessResult r = sweep({file.string(), "--out", out_.string(), "-j", "2"});
    EXPECT_EQ(r.exit_status, 1) << r.describe();
    EXPECT_EQ(count_of(r.err, " failed ("), 3u) << r.err;
    const nlohmann::json manifest = nlohmann::json::parse(file_contents(out_ / "sweep.json"));
    ASSERT_EQ(manifest.at("points").size(), 3u);
    for (const auto &point : manifest.at("points")) {
        const fs::path folder = out_ / "points" / point.at("id").get<std::string>();
        for (const char *name : {"board.toml", "command", "status.json", "stderr.txt"})
            EXPECT_TRUE(fs::exists(folder / name)) << folder / name;
        const nlohmann::json status = nlohmann::json::parse(file_contents(folder / "status.json"));
        EXPECT_EQ(status.at("status"), "failed");
        EXPECT_EQ(status.at("exit_code"), 2);
        // The run's own one-line diagnosis is the point's message.
        EXPECT_NE(status.at("message").get<std::string>().find("junk.elf"), std::string::npos) << status.dump();
    }
    const std::string csv = file_contents(out_ / "results.csv");
    EXPECT_EQ(count_of(csv, "\n"), 4u) << csv;
    EXPECT_EQ(count_of(csv, ",failed,2,"), 3u) << csv;
    EXPECT_TRUE(csv.starts_with("point,cache.l1d.size,status,exit_code,faults,kind,name,calls,")) << csv;
    EXPECT_NE(file_contents(out_ / "results.html").find("<svg"), std::string::npos);
}

TEST_F(SweepCommandTest, RerunKeepsFinishedPointsAndForceRunsThemAgain) {
    const fs::path file = sweep_file("[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    ASSERT_EQ(sweep({file.string(), "--out", out_.string()}).exit_status, 1);
    const std::string csv = file_contents(out_ / "results.csv");

    ProcessResult again = sweep({file.string(), "--out", out_.string()});
    EXPECT_EQ(again.exit_status, 1);
    EXPECT_NE(again.err.find("3 finished and kept, 0 to run"), std::string::npos) << again.err;
    EXPECT_EQ(count_of(again.err, " failed ("), 0u) << again.err;
    EXPECT_EQ(file_contents(out_ / "results.csv"), csv);

    // A point without a status (never ran, or stopped) runs again; the others are kept.
    const nlohmann::json manifest = nlohmann::json::parse(file_contents(out_ / "sweep.json"));
    const std::string lost = manifest.at("points").at(1).at("id");
    fs::remove(out_ / "points" / lost / "status.json");
    ProcessResult resumed = sweep({file.string(), "--out", out_.string()});
    EXPECT_NE(resumed.err.find("2 finished and kept, 1 to run"), std::string::npos) << resumed.err;
    EXPECT_NE(resumed.err.find("[3/3] " + lost + " failed"), std::string::npos) << resumed.err;
    EXPECT_EQ(file_contents(out_ / "results.csv"), csv);

    ProcessResult forced = sweep({file.string(), "--out", out_.string(), "--force"});
    EXPECT_NE(forced.err.find("0 finished and kept, 3 to run"), std::string::npos) << forced.err;

    // Another command line changes every point's command: nothing finished is reused.
    const fs::path changed = sweep_file("cmdline = \"scenario=boot\"\n[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    ProcessResult rerun = sweep({changed.string(), "--out", out_.string()});
    EXPECT_NE(rerun.err.find("0 finished and kept, 3 to run"), std::string::npos) << rerun.err;

    // So does another fixed board value: the command is the same, the board file is not.
    const fs::path reboarded = sweep_file("cmdline = \"scenario=boot\"\n[set]\ncache.l2.size = \"1MiB\"\n"
                                          "[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    ProcessResult reboard = sweep({reboarded.string(), "--out", out_.string()});
    EXPECT_NE(reboard.err.find("0 finished and kept, 3 to run"), std::string::npos) << reboard.err;

    ProcessResult collect = sweep({"collect", out_.string()});
    EXPECT_EQ(collect.exit_status, 1) << collect.describe();
    EXPECT_NE(collect.err.find("0 ok, 3 failed, 0 without a result"), std::string::npos) << collect.err;
}

} // namespace
} // namespace ia32emu::test
