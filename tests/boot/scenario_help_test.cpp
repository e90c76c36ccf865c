// scenario=help: our kernel lists its scenarios with their parameters; an unknown scenario is a
// bad command line (exit 6) that shows the same list, so a typo tells the user what exists.
#include <gtest/gtest.h>

#include <string>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// Every scenario the README's table documents, with the parameters it reads.
const char *const kExpected[] = {"  boot: ",
                                 "  traps [count=N]: ",
                                 "  selftest [seed=N]: ",
                                 "  bench [reps=N]: ",
                                 "  validate_stale_tlb [flush=none|invlpg|cr3|global]: ",
                                 "  dma_driver_bugs [bug=NAME|none]: ",
                                 "  dma_vmalloc_virt_to_phys: ",
                                 "  dma_check_flood: "};

void expect_listing(const std::string &out) {
    EXPECT_NE(out.find("scenarios (scenario=NAME [PARAMETER=VALUE]...):\n"), std::string::npos) << out;
    for (const char *line : kExpected) EXPECT_NE(out.find(std::string("\n") + line), std::string::npos) << line;
    size_t listed = 0;
    for (size_t at = out.find("\n  "); at != std::string::npos; at = out.find("\n  ", at + 1)) ++listed;
    EXPECT_GE(listed, 24u) << out;
}

TEST(ScenarioHelp, ListsEveryScenarioWithItsParameters) {
    GuestRun run;
    run.cmdline = "scenario=help";
    auto r = run_ia32emu(run);
    EXPECT_EQ(r.exit_status, GUEST_EXIT_OK) << r.describe();
    expect_listing(r.out);
}

TEST(ScenarioHelp, AnUnknownScenarioIsABadCommandLineThatShowsTheList) {
    GuestRun run;
    run.cmdline = "scenario=bnech";
    auto r = run_ia32emu(run);
    EXPECT_EQ(r.exit_status, GUEST_EXIT_BAD_CMDLINE) << r.describe();
    EXPECT_NE(r.out.find("unknown scenario: bnech\n"), std::string::npos) << r.out;
    expect_listing(r.out);
}

} // namespace
} // namespace ia32emu::test
