// The --report file as the fixture hands it to a test: written, parseable, and stable from run to run.
#include <gtest/gtest.h>

#include "devices/abi/exit_port.h"
#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

class BootReportTest : public GuestTest {};

TEST_F(BootReportTest, CleanExitWritesSchemaAndExit) {
    auto run = boot_with_report("scenario=boot");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    const auto &r = *run.report;
    EXPECT_EQ(r.value("schema", ""), "ia32emu-report/3");
    ASSERT_TRUE(r.contains("exit")) << r.dump(2);
    EXPECT_EQ(r["exit"].value("code", -1), GUEST_EXIT_OK);
    EXPECT_EQ(r["exit"].value("reason", ""), "guest_exit");
}

TEST_F(BootReportTest, CrashStillWritesTheReport) {
    auto run = boot_with_report("scenario=triple");
    ASSERT_EQ(run.exit_status, kExitCrash) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    ASSERT_TRUE(run.report->contains("exit")) << run.report->dump(2);
    EXPECT_EQ((*run.report)["exit"].value("reason", ""), "crash");
}

TEST_F(BootReportTest, EverythingOutsideHostIsIdenticalFromRunToRun) {
    auto first = boot_with_report("scenario=layout");
    auto second = boot_with_report("scenario=layout");
    ASSERT_TRUE(first.report) << first.report_problem;
    ASSERT_TRUE(second.report) << second.report_problem;
    nlohmann::json a = *first.report, b = *second.report;
    a.erase("host");
    b.erase("host");
    EXPECT_EQ(a, b) << "first:\n" << a.dump(2) << "\nsecond:\n" << b.dump(2);
}

} // namespace
} // namespace ia32emu::test
