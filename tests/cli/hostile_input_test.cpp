// Inputs found by trying to break the command line: each is bad input, said in one line, before
// any guest runs.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

void expect_bad_input(const std::vector<std::string> &args, const std::string &named) {
    std::vector<std::string> argv{ia32emu_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv, std::chrono::seconds(60));
    EXPECT_EQ(r.exit_status, 2) << r.describe();
    EXPECT_EQ(r.out, "") << "nothing may run before bad input is refused";
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
}

TEST(HostileInput, CharacterDeviceAsKernelIsRefusedAtOnce) {
    expect_bad_input({"run", "/dev/zero"}, "not a regular file");
}

TEST(HostileInput, NegativeOrNonNumericBudgetsAreRefused) {
    std::string kernel = (build_dir() / "guest" / "kernel.elf").string();
    expect_bad_input({"run", kernel, "--max-insns", "-5"}, "--max-insns");
    expect_bad_input({"run", kernel, "--timeout", "nan"}, "--timeout");
    expect_bad_input({"run", kernel, "--timeout", "0"}, "--timeout");
    expect_bad_input({"run", kernel, "--timeout", "-1"}, "--timeout");
}

TEST(HostileInput, UnwritableReportIsRefusedBeforeTheGuestRuns) {
    std::string kernel = (build_dir() / "guest" / "kernel.elf").string();
    expect_bad_input({"run", kernel, "--report", "/nonexistent-folder/r.json"}, "/nonexistent-folder/r.json");
}

TEST(HostileInput, DirectoryAsBoardFileIsNamedAsSuch) {
    expect_bad_input({"board", "/tmp"}, "is a directory");
}

TEST(HostileInput, FiftyThousandLevelDottedKeyIsRefusedNotAStackOverflow) {
    ScratchDir dir;
    std::string key = "a";
    for (int i = 0; i < 50000; ++i)
        key += ".a";
    auto board = dir.write("deep.toml", "[dma]\n" + key + " = 1\n");
    expect_bad_input({"board", board.string()}, "dotted key nested more than 16 levels");
    std::string kernel = (build_dir() / "guest" / "kernel.elf").string();
    expect_bad_input({"run", kernel, "--board", board.string()}, "deep.toml:2");
}

TEST(HostileInput, DeeplyNestedArraysAreRefused) {
    ScratchDir dir;
    auto board = dir.write("deep.toml", "x = " + std::string(50000, '[') + std::string(50000, ']') + "\n");
    expect_bad_input({"board", board.string()}, "nested");
}

TEST(HostileInput, AbsurdRealsAreRefusedNamingTheKey) {
    std::string kernel = (build_dir() / "guest" / "kernel.elf").string();
    for (std::string value : {"1e-300", "5e-324", "1e300", "inf", "nan", "-0.5", "0"})
        expect_bad_input({"run", kernel, "--set", "dma.bytes_per_cycle=" + value}, "dma.bytes_per_cycle");
    ScratchDir dir;
    auto board = dir.write("tiny.toml", "[dma]\nbytes_per_cycle = 1e-300\n");
    expect_bad_input({"run", kernel, "--board", board.string()}, "dma.bytes_per_cycle");
}

} // namespace
} // namespace ia32emu::test
