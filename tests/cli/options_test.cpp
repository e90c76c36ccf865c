// The command line itself: help, version, and every kind of bad usage ending with status 2 and one line.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// Bad usage: status 2, nothing on stdout, exactly one line on stderr that mentions `what`.
void expect_bad_usage(const ProcessResult &r, const std::string &what) {
    EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
    EXPECT_EQ(r.out, "");
    auto lines = r.err_lines();
    ASSERT_EQ(lines.size(), 1u) << "stderr: " << r.err;
    EXPECT_TRUE(r.err.ends_with("\n")) << r.err;
    EXPECT_NE(lines[0].find(what), std::string::npos) << "expected '" << what << "' in: " << lines[0];
}

std::string kernel() { return our_kernel().string(); }

TEST(CliOptionsTest, HelpExitsZeroAndListsTheRunCommand) {
    auto r = run_ia32emu_args({"--help"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.out.find("run"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
}

TEST(CliOptionsTest, RunHelpListsItsOptions) {
    auto r = run_ia32emu_args({"run", "--help"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    for (const char *opt : {"--cmdline", "--board", "--set", "--max-insns", "--timeout", "--serial", "--report"})
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt << " missing from:\n" << r.out;
}

TEST(CliOptionsTest, VersionPrintsTheVersion) {
    auto r = run_ia32emu_args({"--version"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(ia32emu \d+\.\d+\.\d+\n)"))) << r.out;
}

TEST(CliOptionsTest, UnknownRunOptionIsNamed) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--frobnicate"}), "--frobnicate");
}

TEST(CliOptionsTest, UnknownTopLevelOptionIsNamed) {
    expect_bad_usage(run_ia32emu_args({"--frobnicate"}), "--frobnicate");
}

TEST(CliOptionsTest, UnknownCommandIsNamed) {
    expect_bad_usage(run_ia32emu_args({"frobnicate"}), "frobnicate");
}

TEST(CliOptionsTest, NoCommandIsBadUsage) { expect_bad_usage(run_ia32emu_args({}), "subcommand"); }

TEST(CliOptionsTest, MissingKernelArgumentIsBadUsage) { expect_bad_usage(run_ia32emu_args({"run"}), "kernel"); }

TEST(CliOptionsTest, UnknownBoardIsNamed) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--board", "no-such-board"}), "no-such-board");
}

TEST(CliOptionsTest, MissingBoardFileIsNamed) {
    ScratchDir dir;
    auto missing = dir.file("missing.toml").string();
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--board", missing}), missing);
}

TEST(CliOptionsTest, UnknownSetKeyIsNamed) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--set", "cache.l9.size=1"}), "cache.l9.size");
}

TEST(CliOptionsTest, BadSetValueNamesTheKey) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--set", "memory.ram_size=banana"}), "memory.ram_size");
}

TEST(CliOptionsTest, SetWithoutEqualsIsBadUsage) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--set", "memory.ram_size"}), "memory.ram_size");
}

TEST(CliOptionsTest, NonNumericBudgetIsNamed) {
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--max-insns", "lots"}), "--max-insns");
}

TEST(CliOptionsTest, MissingFirmwareIsNamed) {
    ScratchDir dir;
    auto missing = dir.file("firmware.bin").string();
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--firmware", missing}), missing);
}

TEST(CliOptionsTest, UnwritableSerialFileIsNamed) {
    ScratchDir dir;
    auto target = dir.file("no-such-dir/com1.txt").string();
    expect_bad_usage(run_ia32emu_args({"run", kernel(), "--serial", target}), target);
}

} // namespace
} // namespace ia32emu::test
