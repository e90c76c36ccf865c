// A real Linux PCI driver's DMA under the sanitizer: the edu_dma module
// (tests/linux/modules/edu_dma, built by kbuild against Debian's headers) drives the edu device
// through Linux 6.1's own DMA API, described for the checker by tests/linux/linux-6.1-686.dma-api.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/linux/debian_kernel.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

struct EduRun {
    ProcessResult run;
    nlohmann::json report;
};

class LinuxEduDriver : public DebianLinux {
protected:
    void SetUp() override {
        DebianLinux::SetUp();
        if (IsSkipped())
            return;
        ModuleInitrd modules = linux_modules_initrd({"edu_dma"});
        ASSERT_TRUE(modules.failure.empty()) << modules.failure;
        if (!modules.initrd)
            GTEST_SKIP() << modules.skip;
        initrd_ = *modules.initrd;
    }

    // Boots Debian's kernel with the module loaded by /init, `bug` as its parameter.
    EduRun boot(const std::string &bug, const std::string &fail_on) {
        std::filesystem::path api = std::filesystem::path(IA32EMU_TEST_DIR) / "linux" / "linux-6.1-686.dma-api";
        auto report_file = dir_.file("report.json");
        EduRun out{run_ia32emu_args({"run", kernel_->bzimage.string(), "--initrd", initrd_.string(), "--cmdline",
                                     std::string(kLinuxCmdline) + " cryptomgr.notests edu_dma.bug=" + bug, "--symbols",
                                     kernel_->system_map.string(), "--dma-api", api.string(), "--report",
                                     report_file.string(), "--fail-on", fail_on, "--no-timing", "--linux-decompress", "host",
                                     "--timeout", "840"},
                                    std::chrono::seconds(850)),
                   {}};
        std::ifstream in(report_file);
        if (in)
            out.report = nlohmann::json::parse(in);
        return out;
    }

    std::filesystem::path initrd_;
    ScratchDir dir_;
};

// The good path: a coherent buffer to the device and back into a streaming mapping, both through
// dma_alloc_attrs and dma_map_page_attrs, with every transfer inside a live mapping.
TEST_F(LinuxEduDriver, GoodPathMovesItsDataThroughLinuxsDmaApi) {
    auto [run, report] = boot("none", "any");
    ASSERT_TRUE(report.is_object()) << "no report: " << run.describe() << "\n" << run.out;
    EXPECT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.out;
    EXPECT_TRUE(contains(run.out, "edu_dma 0000:00:03.0: round trip of 4096 bytes: coherent 0x")) << run.out;
    EXPECT_TRUE(contains(run.out, "edu_dma 0000:00:03.0: none: ok")) << run.out;
    EXPECT_TRUE(report["faults"].empty()) << report["faults"].dump(2);
    EXPECT_EQ(report["dma"]["transfers"], 2u) << report["dma"].dump();
    EXPECT_EQ(report["dma"]["bytes"], 2u * 4096u) << report["dma"].dump();
}

// The classic bug: virt_to_phys() of a vmalloc buffer handed to the device. The transfer is
// stopped at the doorbell; the fault names the module's functions and the vmalloc allocation.
TEST_F(LinuxEduDriver, VirtToPhysOfVmallocIsRejectedWithTheModulesFunctionsInTheBacktrace) {
    auto [run, report] = boot("vmalloc_virt_to_phys", "dma_rejected");
    ASSERT_TRUE(report.is_object()) << "no report: " << run.describe() << "\n" << run.out;
    EXPECT_EQ(run.exit_status, 121) << run.describe() << "\n" << run.out;
    EXPECT_TRUE(contains(run.out, "edu_dma 0000:00:03.0: the device rejected the DMA (rule 3)")) << run.out;
    EXPECT_EQ(report["dma"]["bytes"], 0u);
    const auto &faults = report["faults"];
    ASSERT_EQ(faults.size(), 1u) << faults.dump(2);
    const auto &fault = faults[0];
    EXPECT_EQ(fault["kind"], "dma_rejected");
    EXPECT_EQ(fault["rule"], "above_dma_mask");
    const std::string detail = fault["detail"];
    // The bus address is traced back to the module's own vmalloc call (regparm arguments read).
    EXPECT_TRUE(contains(detail, "of vmalloc area: allocation")) << detail;
    EXPECT_TRUE(contains(detail, "by vmalloc(8192) called from 0x")) << detail;
    EXPECT_TRUE(contains(detail, "(edu_receive_into_vmalloc+0x")) << detail;
    EXPECT_TRUE(contains(detail, " [edu_dma])")) << detail;
    // The backtrace climbs from the doorbell write through the module into Linux's PCI core.
    std::vector<std::string> frames;
    for (const auto &frame : fault["backtrace"])
        frames.push_back(frame["symbol"]);
    auto has_frame = [&](const std::string &prefix) {
        for (const std::string &f : frames)
            if (f.starts_with(prefix))
                return true;
        return false;
    };
    EXPECT_TRUE(has_frame("edu_dma_transfer+0x")) << fault["backtrace"].dump(2);
    EXPECT_TRUE(has_frame("edu_receive_into_vmalloc+0x")) << fault["backtrace"].dump(2);
    EXPECT_TRUE(has_frame("edu_probe+0x")) << fault["backtrace"].dump(2);
    EXPECT_TRUE(has_frame("pci_device_probe+0x")) << fault["backtrace"].dump(2);
}

} // namespace
} // namespace ia32emu::test
