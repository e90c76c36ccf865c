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

} // namespace
} // namespace ia32emu::test
