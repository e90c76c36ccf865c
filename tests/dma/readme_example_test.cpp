// The README's example of a driver regression test, kept here so that it always compiles and passes.
#include "tests/support/guest_run.h"

#include "devices/abi/exit_port.h"

#include <string>

namespace {

class DmaReadmeExampleTest : public ia32emu::test::GuestTest {};

// A correct driver: each page of a vmalloc buffer mapped with dma_map_sg; the data round-trips.
TEST_F(DmaReadmeExampleTest, ScatterGatherDriverMovesItsData) {
    auto run = boot_with_report("scenario=dma_vmalloc_sg");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    const nlohmann::json &report = *run.report;
    EXPECT_NE(run.out.find("dma: scatter-gather round trip of 4 pages ok\n"), std::string::npos) << run.out;
    EXPECT_TRUE(report.at("faults").empty()) << report.at("faults").dump(2);
    EXPECT_EQ(report.at("dma").at("bytes"), 4 * 4096 * 2);
}

// A buggy driver: the device gets virt_to_phys() of a vmalloc buffer. The transfer is stopped at
// the doorbell, and the fault names the rule, the driver function and the buffer's allocation.
TEST_F(DmaReadmeExampleTest, VirtToPhysOfVmallocIsCaught) {
    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    const nlohmann::json &faults = run.report->at("faults");
    ASSERT_EQ(faults.size(), 1u) << faults.dump(2);
    const nlohmann::json &fault = faults[0];
    EXPECT_EQ(fault.at("kind"), "dma_rejected");
    EXPECT_TRUE(fault.at("symbol").get<std::string>().starts_with("edu_dma_start")) << fault.dump(2);
    const std::string detail = fault.at("detail");
    EXPECT_NE(detail.find("rule above_dma_mask"), std::string::npos) << detail;
    EXPECT_NE(detail.find("of vmalloc area: allocation"), std::string::npos) << detail;
    EXPECT_NE(detail.find("(scenario_dma_vmalloc_virt_to_phys+"), std::string::npos) << detail;
}

} // namespace
