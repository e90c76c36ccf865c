// A PTE rewritten under a live TLB entry and then used without a flush that drops the entry is
// reported as a stale_tlb fault with the EIP and symbol of the access; after invlpg, or a global
// flush, nothing is reported. A CR3 reload does not drop the entry: the kernel's vmalloc PTEs are
// global (PGE), and global entries survive CR3 writes.
//
// The guest (guest/scenarios/validate_stale_tlb.c) points a vmalloc page's PTE at another frame
// and reads the page through stale_probe_read(), a function of its own so the EIP is known.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

struct StaleCase {
    const char *flush;
    bool stale;
};

void PrintTo(const StaleCase &c, std::ostream *os) { *os << "flush=" << c.flush; }

class StaleTlbTest : public ValidationTest, public ::testing::WithParamInterface<StaleCase> {
protected:
    int count_faults(const std::string &kind) const {
        int n = 0;
        for (const auto &f : report_.at("faults")) n += f.value("kind", "") == kind ? 1 : 0;
        return n;
    }
};

TEST_P(StaleTlbTest, ReportedExactlyWhenTheEntryOutlivesTheRewrite) {
    const StaleCase &c = GetParam();
    ASSERT_NO_FATAL_FAILURE(run_scenario(std::string("scenario=validate_stale_tlb flush=") + c.flush, {}));
    std::string line = std::string("validate_stale_tlb: PTE rewritten, flush=") + c.flush + ", ";
    EXPECT_NE(out_.find(line), std::string::npos) << out_;
    if (!c.stale) {
        EXPECT_NE(out_.find(line + "read sees the new frame: yes"), std::string::npos) << out_;
        EXPECT_EQ(count_faults("stale_tlb"), 0) << report_.at("faults").dump(2);
        return;
    }
    ASSERT_EQ(count_faults("stale_tlb"), 1) << report_.at("faults").dump(2);
    for (const auto &f : report_.at("faults")) {
        if (f.value("kind", "") != "stale_tlb") continue;
        EXPECT_EQ(f.value("symbol", "").rfind("stale_probe_read+", 0), 0u) << f.dump();
        EXPECT_EQ(f.value("eip", "").rfind("0xc0", 0), 0u) << "a kernel-text EIP, got " << f.dump();
        std::string detail = f.value("detail", "");
        EXPECT_NE(detail.find("access to 0x"), std::string::npos) << detail;
        EXPECT_NE(detail.find(" was rewritten from 0x"), std::string::npos) << detail;
    }
}

INSTANTIATE_TEST_SUITE_P(Validation, StaleTlbTest,
                         ::testing::Values(StaleCase{"none", true}, StaleCase{"invlpg", false},
                                           StaleCase{"cr3", true}, StaleCase{"global", false}),
                         [](const ::testing::TestParamInfo<StaleCase> &p) { return std::string(p.param.flush); });

} // namespace
} // namespace ia32emu::test
