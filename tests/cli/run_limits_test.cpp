// Runs that end without the guest's consent: instruction budget, wall-clock timeout, triple fault.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// One diagnostic line on stderr, after whatever the guest printed on stdout.
std::string only_stderr_line(const ProcessResult &r) {
    auto lines = r.err_lines();
    EXPECT_EQ(lines.size(), 1u) << "stderr: " << r.err;
    return lines.empty() ? std::string() : lines[0];
}

class CliLimitsTest : public GuestTest {};

TEST_F(CliLimitsTest, InstructionBudgetStopsARunawayGuest) {
    auto r = boot_kernel(test_guest("runaway"), "", {"--max-insns", "200000"});
    EXPECT_EQ(r.exit_status, kExitBudget) << r.describe();
    EXPECT_EQ(r.out, "runaway: spinning forever\n");
    std::string line = only_stderr_line(r);
    EXPECT_NE(line.find("budget"), std::string::npos) << line;
    EXPECT_NE(line.find("200000"), std::string::npos) << line;
    EXPECT_NE(line.find("(spin+0x0)"), std::string::npos) << "where the guest was: " << line;
}

TEST_F(CliLimitsTest, BudgetIsCountedInInstructions) {
    // Too few instructions for the firmware to reach the kernel: no greeting, still status 125.
    auto r = boot_kernel(test_guest("hello"), "", {"--max-insns", "1000"});
    EXPECT_EQ(r.exit_status, kExitBudget) << r.describe();
    EXPECT_EQ(r.out, "");
}

TEST_F(CliLimitsTest, WallClockTimeoutStopsARunawayGuest) {
    auto r = boot_kernel(test_guest("runaway"), "", {"--timeout", "1"});
    EXPECT_EQ(r.exit_status, kExitTimeout) << r.describe();
    EXPECT_EQ(r.out, "runaway: spinning forever\n");
    std::string line = only_stderr_line(r);
    EXPECT_NE(line.find("timeout"), std::string::npos) << line;
    EXPECT_GE(r.wall.count(), 0.9);
    EXPECT_LT(r.wall.count(), 30.0) << "the timeout did not stop the run; the safety net did";
}

TEST_F(CliLimitsTest, TripleFaultNamesVectorEipAndSymbol) {
    auto r = boot_kernel(test_guest("triple"), "");
    EXPECT_EQ(r.exit_status, kExitCrash) << r.describe();
    EXPECT_EQ(r.out, "triple: loading an empty IDT, then dividing by zero\n");
    std::string line = only_stderr_line(r);
    EXPECT_NE(line.find("triple fault"), std::string::npos) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(vector \d+)"))) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(eip=0x[0-9a-f]{8} \(divide_by_zero\+0x[0-9a-f]+\))")))
        << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(cr2=0x[0-9a-f]{8})"))) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(error code 0x[0-9a-f]+)"))) << line;
}

TEST_F(CliLimitsTest, OurKernelsTripleScenarioCrashesWithItsSymbol) {
    auto r = boot("scenario=triple");
    EXPECT_EQ(r.exit_status, kExitCrash) << r.describe();
    std::string line = only_stderr_line(r);
    EXPECT_NE(line.find("triple fault"), std::string::npos) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(eip=0x[0-9a-f]{8} \(scenario_triple\+0x[0-9a-f]+\))")))
        << line;
}

} // namespace
} // namespace ia32emu::test
