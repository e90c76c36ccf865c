// A local sweep of our kernel end to end: the CSV's rows, the cache model's effect across the
// points, the point folders' self-contained command, and a clean Ctrl-C.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

// The CSV as maps from column name to field (no field of these sweeps needs quoting).
std::vector<std::map<std::string, std::string>> parse_csv(const std::string &csv) {
    std::vector<std::string> lines = split_lines(csv);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    auto fields = [](const std::string &line) {
        std::vector<std::string> out(1);
        for (char c : line) {
            if (c == ',') out.emplace_back();
            else out.back() += c;
        }
        return out;
    };
    std::vector<std::map<std::string, std::string>> rows;
    if (lines.empty()) return rows;
    const std::vector<std::string> header = fields(lines[0]);
    for (size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string> f = fields(lines[i]);
        EXPECT_EQ(f.size(), header.size()) << lines[i];
        std::map<std::string, std::string> row;
        for (size_t c = 0; c < header.size() && c < f.size(); ++c) row[header[c]] = f[c];
        rows.push_back(std::move(row));
    }
    return rows;
}

// 384 lines of 64 bytes (24 KiB) read `passes` times after one cold pass.
constexpr int kPasses = 10;
constexpr int kLines = 384;

TEST(SweepLocal, L1dMissesFallAsTheL1dGrows) {
    ScratchDir dir;
    const fs::path file = dir.write(
        "l1d.toml", "kernel = \"" + our_kernel().string() + "\"\n" +
                        "cmdline = \"scenario=validate_sweep stride=64 count=" + std::to_string(kLines) +
                        " passes=" + std::to_string(kPasses) + "\"\n[grid]\n" +
                        "cache.l1d.size = [\"8KiB\", \"16KiB\", \"32KiB\", \"64KiB\"]\n");
    const fs::path out = dir.file("out");
    ProcessResult r = run_ia32emu_args({"sweep", file.string(), "--out", out.string(), "-j", "2"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();

    const auto rows = parse_csv(file_contents(out / "results.csv"));
    std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> by_size;   // size -> entity
    for (const auto &row : rows) {
        EXPECT_EQ(row.at("status"), "ok");
        EXPECT_EQ(row.at("exit_code"), "0");
        EXPECT_EQ(row.at("faults"), "0");
        const std::string entity = row.at("kind") + ":" + row.at("name");
        EXPECT_FALSE(by_size[row.at("cache.l1d.size")].contains(entity)) << entity << " twice";
        by_size[row.at("cache.l1d.size")][entity] = row;
    }
    const std::vector<std::string> sizes = {"8KiB", "16KiB", "32KiB", "64KiB"};
    ASSERT_EQ(by_size.size(), sizes.size());
    uint64_t previous_total = UINT64_MAX, previous_steady = UINT64_MAX;
    for (const std::string &size : sizes) {
        auto &entities = by_size.at(size);
        ASSERT_TRUE(entities.contains("total:")) << size;
        ASSERT_TRUE(entities.contains("region:validate_sweep:steady")) << size;
        ASSERT_TRUE(entities.contains("region:validate_sweep:first")) << size;
        const auto &steady = entities.at("region:validate_sweep:steady");
        EXPECT_EQ(steady.at("calls"), "1");
        // Every load of every pass: 4 instructions a load, 3 a pass, and the end marker's port load
        // (tests/validation/cache_stride_test.cpp).
        EXPECT_EQ(std::stoull(steady.at("instructions")), uint64_t(kPasses) * (4 * kLines + 3) + 1) << size;
        const uint64_t total = std::stoull(entities.at("total:").at("l1d_misses"));
        const uint64_t misses = std::stoull(steady.at("l1d_misses"));
        EXPECT_LE(total, previous_total) << size;
        EXPECT_LE(misses, previous_steady) << size;
        previous_total = total;
        previous_steady = misses;
        // A 24 KiB cyclic sweep misses on every line in a smaller cache and never once it fits.
        if (size == "8KiB" || size == "16KiB") EXPECT_EQ(misses, uint64_t(kPasses) * kLines) << size;
        else EXPECT_EQ(misses, 0u) << size;
    }

    // The page: one plot (one swept parameter), a line per total/path/region, every point listed.
    const std::string html = file_contents(out / "results.html");
    size_t plots = 0;
    for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++plots;
    EXPECT_EQ(plots, 1u);
    EXPECT_NE(html.find("cycles_p50 against cache.l1d.size"), std::string::npos);
    EXPECT_NE(html.find("</span>region validate_sweep:steady</li>"), std::string::npos);
    EXPECT_NE(html.find("<title>region validate_sweep:steady @ 64KiB: "), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);   // self-contained and static

    // A point's folder holds all it needs: its command, run again there, gives the same report.
    const nlohmann::json manifest = nlohmann::json::parse(file_contents(out / "sweep.json"));
    const fs::path folder = out / "points" / manifest.at("points").at(0).at("id").get<std::string>();
    for (const char *name : {"board.toml", "command", "report.json", "serial.txt", "status.json"})
        EXPECT_TRUE(fs::exists(folder / name)) << name;
    EXPECT_NE(file_contents(folder / "serial.txt").find("validate_sweep: mem=direct"), std::string::npos);
    nlohmann::json first = nlohmann::json::parse(file_contents(folder / "report.json"));
    ProcessResult again = run_process({"/bin/sh", "-c", "cd '" + folder.string() + "' && . ./command"});
    ASSERT_EQ(again.exit_status, 0) << again.describe();
    nlohmann::json second = nlohmann::json::parse(file_contents(folder / "report.json"));
    first.erase("host");
    second.erase("host");
    EXPECT_EQ(first, second);
    EXPECT_EQ(first.at("board").at("cache").at("l1d").at("size"), 8192);
}

// No process of ours still has its working folder under `dir`.
std::vector<std::string> processes_in(const fs::path &dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator("/proc", ec)) {
        fs::path cwd = fs::read_symlink(entry.path() / "cwd", ec);
        if (!ec && cwd.string().starts_with(dir.string())) found.push_back(entry.path().filename().string());
    }
    return found;
}

TEST(SweepLocal, CtrlCStopsEveryPointAndKeepsNoHalfResult) {
    ScratchDir dir;
    // Long enough to be interrupted in the middle: each point is hundreds of millions of loads.
    const fs::path file = dir.write("long.toml", "kernel = \"" + our_kernel().string() + "\"\n" +
                                                     "cmdline = \"scenario=validate_sweep count=384 passes=1000000\"\n"
                                                     "[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n");
    const fs::path out = dir.file("out");
    const std::string binary = ia32emu_binary().string();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl(binary.c_str(), binary.c_str(), "sweep", file.c_str(), "--out", out.c_str(), "-j", "2",
                static_cast<char *>(nullptr));
        ::_exit(127);
    }
    // Wait until both running points have started.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (processes_in(out).size() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(processes_in(out).size(), 2u);
    ASSERT_EQ(::kill(pid, SIGINT), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_TRUE(processes_in(out).empty());
    for (const auto &entry : fs::directory_iterator(out / "points")) {
        EXPECT_FALSE(fs::exists(entry.path() / "status.json")) << entry.path();
        EXPECT_FALSE(fs::exists(entry.path() / "report.json")) << entry.path();
        EXPECT_TRUE(fs::exists(entry.path() / "command")) << entry.path();
    }
}

} // namespace
} // namespace ia32emu::test
