// The validation scenarios print the same lines under QEMU as under ia32emu (they print no
// timing), and exit with the mapped status.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

struct ParityCase {
    const char *name;
    const char *cmdline;
};

void PrintTo(const ParityCase &c, std::ostream *os) { *os << c.cmdline; }

class ValidationParityTest : public QemuTest, public ::testing::WithParamInterface<ParityCase> {};

TEST_P(ValidationParityTest, SameLinesAsQemu) {
    const ParityCase &c = GetParam();
    auto ours = boot(c.cmdline);
    auto q = qemu(c.cmdline);
    ASSERT_FALSE(q.killed_by_safety_net) << q.describe();
    EXPECT_EQ(ours.exit_status, GUEST_EXIT_OK) << ours.describe();
    EXPECT_EQ(q.exit_status, qemu_exit_status(GUEST_EXIT_OK)) << q.describe();
    auto a = comparable_lines(ours.out);
    auto b = comparable_lines(q.out);
    EXPECT_EQ(a, b) << "ia32emu stdout:\n" << ours.out << "\nQEMU stdout:\n" << q.out;
    bool printed = false;
    for (const auto &line : a) printed = printed || line.rfind("validate_", 0) == 0;
    EXPECT_TRUE(printed) << "the scenario printed nothing of its own:\n" << ours.out;
}

INSTANTIATE_TEST_SUITE_P(
    Validation, ValidationParityTest,
    ::testing::Values(ParityCase{"sweep_direct", "scenario=validate_sweep count=2048 passes=2"},
                      ParityCase{"sweep_vmalloc", "scenario=validate_sweep mem=vmalloc stride=4096 count=65 passes=4"},
                      ParityCase{"chase", "scenario=validate_chase size=64K"},
                      ParityCase{"icount", "scenario=validate_icount iters=1000"},
                      ParityCase{"alias", "scenario=validate_alias"},
                      ParityCase{"stale_tlb_none", "scenario=validate_stale_tlb flush=none"},
                      ParityCase{"stale_tlb_invlpg", "scenario=validate_stale_tlb flush=invlpg"},
                      ParityCase{"stale_tlb_cr3", "scenario=validate_stale_tlb flush=cr3"},
                      ParityCase{"stale_tlb_global", "scenario=validate_stale_tlb flush=global"}),
    [](const ::testing::TestParamInfo<ParityCase> &p) { return std::string(p.param.name); });

} // namespace
} // namespace ia32emu::test
