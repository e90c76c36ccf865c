// The subprocess fixture itself: separate streams, real exit statuses, and the safety net that kills a hang.
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

TEST(CliFixtureTest, StdoutStderrAndStatusAreKeptApart) {
    auto r = run_process({"/bin/sh", "-c", "echo to-out; echo to-err >&2; echo more-out; exit 3"});
    EXPECT_EQ(r.exit_status, 3);
    EXPECT_EQ(r.term_signal, 0);
    EXPECT_EQ(r.out, "to-out\nmore-out\n");
    EXPECT_EQ(r.err, "to-err\n");
    EXPECT_FALSE(r.killed_by_safety_net);
}

TEST(CliFixtureTest, ChildReadsNothingFromTheTestsStdin) {
    auto r = run_process({"/bin/sh", "-c", "cat; echo done"});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_EQ(r.out, "done\n");
}

TEST(CliFixtureTest, SafetyNetKillsAGuestThatNeverEnds) {
    GuestRun run;
    run.kernel = test_guest("runaway");
    run.safety_limit = std::chrono::milliseconds(1500);
    auto r = run_ia32emu(run);
    EXPECT_TRUE(r.killed_by_safety_net) << r.describe();
    EXPECT_EQ(r.term_signal, SIGKILL) << r.describe();
    EXPECT_EQ(r.exit_status, -1);
    EXPECT_LT(r.wall.count(), 10.0);
}

TEST(CliFixtureTest, LargeOutputOnBothStreamsDoesNotDeadlock) {
    auto r = run_process({"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do "
                                           "echo 0123456789012345678901234567890123456789; "
                                           "echo abcdefghijabcdefghijabcdefghijabcdefghij >&2; i=$((i+1)); done"},
                         std::chrono::seconds(60));
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_EQ(r.out_lines().size(), 2000u);
    EXPECT_EQ(r.err_lines().size(), 2000u);
}

TEST(CliFixtureTest, SplitLinesDropsCarriageReturnsAndKeepsEmptyLines) {
    std::vector<std::string> expected{"a", "", "b"};
    EXPECT_EQ(split_lines("a\r\n\nb\n"), expected);
    EXPECT_EQ(split_lines("a\r\n\nb"), expected);
}

} // namespace
} // namespace ia32emu::test
