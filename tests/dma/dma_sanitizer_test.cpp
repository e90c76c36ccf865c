// The DMA sanitizer against a driver written the way users write them (guest scenario
// dma_driver_bugs: a receive/transmit ring driver with one classic bug per run). Each bug must be
// reported with its exact rule or check, the allocation it hit, and a backtrace naming the
// driver's own routine; the same driver done right must run clean. QEMU runs every bug silently.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

using nlohmann::json;

struct Bug {
    const char *name;
    int exit;                 // the guest's exit under ia32emu
    const char *kind;         // the fault that names the bug
    const char *rule_or_check;
    const char *owner;        // allocator of the first owner, "" for none expected
    const char *frame;        // a function the fault's backtrace must name
    size_t faults;            // every fault of the run
};

void PrintTo(const Bug &b, std::ostream *os) { *os << b.name; }

const Bug kBugs[] = {
    {"kfree_while_mapped", GUEST_EXIT_DMA_REJECTED, "dma_rejected", "freed_memory", "kmalloc", "ringdrv_rx", 2},
    {"sg_overlong", GUEST_EXIT_DMA_REJECTED, "dma_rejected", "foreign_frame", "alloc_pages", "ringdrv_rx", 3},
    {"wrong_direction", GUEST_EXIT_DMA_REJECTED, "dma_rejected", "wrong_direction", "kmalloc", "ringdrv_rx", 1},
    {"overrun", GUEST_EXIT_DMA_REJECTED, "dma_rejected", "mapping_overrun", "kmalloc", "ringdrv_rx", 1},
    {"bus_master_off", GUEST_EXIT_DMA_REJECTED, "dma_rejected", "bus_master_off", "kmalloc", "ringdrv_tx", 1},
    {"kfree_while_mapped", GUEST_EXIT_DMA_REJECTED, "dma_api_misuse", "freed_while_mapped", "kmalloc", "scenario_dma_driver_bugs", 2},
    {"sg_overlong", GUEST_EXIT_DMA_REJECTED, "dma_api_misuse", "map_spans_foreign_frames", "alloc_pages", "scenario_dma_driver_bugs", 3},
    {"sg_overlong", GUEST_EXIT_DMA_REJECTED, "dma_api_misuse", "sg_segment_too_long", "alloc_pages", "scenario_dma_driver_bugs", 3},
    {"sg_seg_too_long", GUEST_EXIT_OK, "dma_api_misuse", "sg_segment_too_long", "alloc_pages", "scenario_dma_driver_bugs", 1},
    {"sg_seg_boundary", GUEST_EXIT_OK, "dma_api_misuse", "sg_segment_crosses_boundary", "alloc_pages", "scenario_dma_driver_bugs", 1},
    {"double_unmap", GUEST_EXIT_OK, "dma_api_misuse", "double_unmap", "kmalloc", "scenario_dma_driver_bugs", 1},
    {"unmap_size", GUEST_EXIT_OK, "dma_api_misuse", "unmap_size_mismatch", "kmalloc", "scenario_dma_driver_bugs", 1},
    {"unchecked", GUEST_EXIT_OK, "dma_api_misuse", "mapping_error_not_checked", "kmalloc", "scenario_dma_driver_bugs", 1},
    {"leak", GUEST_EXIT_OK, "dma_api_misuse", "leaked_mapping", "kmalloc", "", 2},
    {"map_stack", GUEST_EXIT_OK, "dma_api_misuse", "map_stack", "", "scenario_dma_driver_bugs", 1},
    {"map_rodata", GUEST_EXIT_OK, "dma_api_misuse", "map_kernel_text", "", "scenario_dma_driver_bugs", 1},
    {"sync_unmapped", GUEST_EXIT_OK, "dma_api_misuse", "sync_never_mapped", "", "scenario_dma_driver_bugs", 1},
    {"read_before_sync", GUEST_EXIT_OK, "dma_api_misuse", "cpu_access_while_device_owned", "kmalloc", "ringdrv_peek", 1},
    {"unmap_wrong_function", GUEST_EXIT_OK, "dma_api_misuse", "unmap_wrong_function", "alloc_pages", "ringdrv_rx_sg_teardown", 2},
    {"unmap_sg_nents", GUEST_EXIT_OK, "dma_api_misuse", "unmap_sg_nents_mismatch", "alloc_pages", "ringdrv_rx_sg_teardown", 1},
    {"sync_sg_nents", GUEST_EXIT_OK, "dma_api_misuse", "sync_sg_nents_mismatch", "alloc_pages", "ringdrv_rx_sg_complete", 1},
    {"free_cpu_address", GUEST_EXIT_OK, "dma_api_misuse", "free_cpu_address_mismatch", "dma_alloc_coherent", "ringdrv_free_ring", 1},
    {"sync_out_of_range", GUEST_EXIT_OK, "dma_api_misuse", "sync_out_of_range", "kmalloc", "ringdrv_rx_complete", 1},
    {"sync_direction", GUEST_EXIT_OK, "dma_api_misuse", "sync_direction_mismatch", "kmalloc", "ringdrv_rx_recycle", 2},
    {"sync_direction", GUEST_EXIT_OK, "dma_api_misuse", "sync_wrong_direction", "kmalloc", "ringdrv_rx_recycle", 2},
    {"unmap_direction", GUEST_EXIT_OK, "dma_api_misuse", "unmap_direction_mismatch", "kmalloc", "ringdrv_teardown", 1},
    {"unmap_never_mapped", GUEST_EXIT_OK, "dma_api_misuse", "unmap_never_mapped", "", "ringdrv_teardown", 1},
    {"shared_cacheline", GUEST_EXIT_OK, "dma_api_misuse", "overlapping_cacheline", "kmalloc", "ringdrv_map", 1},
    // 8 overlaps, the 9th mapping past Linux's limit of 7, and 8 mappings leaked.
    {"remap_leak", GUEST_EXIT_OK, "dma_api_misuse", "overlapping_cacheline", "kmalloc", "ringdrv_refill", 17},
    {"remap_leak", GUEST_EXIT_OK, "dma_api_misuse", "cacheline_overlap_limit", "kmalloc", "ringdrv_refill", 17},
    // The refused map of the vmalloc packet is itself named (dma_map_refused, map_vmalloc).
    {"unmap_error", GUEST_EXIT_OK, "dma_api_misuse", "unmap_invalid_address", "", "ringdrv_xmit", 3},
    {"unmap_error", GUEST_EXIT_OK, "dma_api_misuse", "map_vmalloc", "", "ringdrv_xmit", 3},
    {"sg_stack", GUEST_EXIT_OK, "dma_api_misuse", "map_stack", "", "ringdrv_read_status", 1},
    // Our kernel's dma_map_single refuses it too (dma_map_refused); Linux's maps it regardless.
    {"map_mmio", GUEST_EXIT_OK, "dma_api_misuse", "map_invalid_area", "", "ringdrv_xmit", 2},
};

class DmaSanitizerTest : public GuestTest, public ::testing::WithParamInterface<Bug> {};

std::string name_of(const json &f) {
    return f.contains("rule") ? f.at("rule").get<std::string>() : f.value("check", std::string());
}

std::string bug_test_name(const ::testing::TestParamInfo<Bug> &p) {
    return std::string(p.param.name) + "_" + p.param.rule_or_check;
}

TEST_P(DmaSanitizerTest, TheBugIsNamedWithItsOwnerAndTheDriversFunction) {
    const Bug &bug = GetParam();
    auto run = boot_with_report(std::string("scenario=dma_driver_bugs bug=") + bug.name);
    ASSERT_EQ(run.exit_status, bug.exit) << run.out << run.err;
    ASSERT_TRUE(run.report) << run.report_problem;
    const json &faults = run.report->at("faults");
    EXPECT_EQ(faults.size(), bug.faults) << faults.dump(1);
    const json *found = nullptr;
    for (const json &f : faults)
        if (f.at("kind") == bug.kind && name_of(f) == bug.rule_or_check)
            found = &f;
    ASSERT_TRUE(found) << faults.dump(1);
    const json &f = *found;
    for (const char *key : {"bus", "length", "owners", "backtrace", "detail"})
        EXPECT_TRUE(f.contains(key)) << key << " missing: " << f.dump(1);
    EXPECT_LE(f.at("detail").get<std::string>().size(), 800u);
    if (*bug.owner) {
        ASSERT_FALSE(f.at("owners").empty()) << f.dump(1);
        EXPECT_EQ(f.at("owners")[0].at("allocator"), bug.owner) << f.dump(1);
        EXPECT_TRUE(f.at("owners")[0].at("caller_symbol").get<std::string>().starts_with("scenario_dma_driver_bugs") ||
                    f.at("owners")[0].at("caller_symbol").get<std::string>().starts_with("rx_"))
            << f.dump(1);
    }
    // A misuse of a mapping names it: the API call that made it and the driver code that called.
    static const std::set<std::string> kNoMapping = {"unmap_never_mapped", "unmap_invalid_address", "sync_never_mapped",
                                                     "map_stack", "map_kernel_text", "map_vmalloc",
                                                     "map_invalid_area"};
    if (std::string(bug.kind) == "dma_api_misuse" && !kNoMapping.count(bug.rule_or_check)) {
        ASSERT_TRUE(f.contains("mapping")) << f.dump(1);
        EXPECT_TRUE(f.at("mapping").at("api").get<std::string>().starts_with("dma_")) << f.dump(1);
        const std::string caller = f.at("mapping").at("caller_symbol");
        EXPECT_TRUE(caller.starts_with("ringdrv_") || caller.starts_with("rx_") ||
                    caller.starts_with("scenario_dma_driver_bugs"))
            << f.dump(1);
    }
    if (std::string(bug.kind) == "dma_rejected" && std::string(bug.rule_or_check) != "bus_master_off") {
        ASSERT_TRUE(f.contains("mapping")) << f.dump(1);
        EXPECT_TRUE(f.at("mapping").at("caller_symbol").get<std::string>().starts_with("ringdrv_map") ||
                    f.at("mapping").at("caller_symbol").get<std::string>().starts_with("scenario_dma_driver_bugs"))
            << f.dump(1);
    }
    if (*bug.frame) {
        bool named = false;
        // GCC may name a specialised copy of the function "NAME.isra.0" or "NAME.constprop.0".
        for (const json &frame : f.at("backtrace"))
            for (const char *suffix : {"+", "."})
                named |= frame.at("symbol").get<std::string>().starts_with(std::string(bug.frame) + suffix);
        EXPECT_TRUE(named) << "backtrace lacks " << bug.frame << ": " << f.at("backtrace").dump();
    }
}

INSTANTIATE_TEST_SUITE_P(Bugs, DmaSanitizerTest, ::testing::ValuesIn(kBugs), bug_test_name);

class DmaSanitizerGoodTest : public GuestTest {};

TEST_F(DmaSanitizerGoodTest, TheSameDriverDoneRightHasNoFault) {
    auto run = boot_with_report("scenario=dma_driver_bugs bug=none");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.out << run.err;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(run.report->at("faults").empty()) << run.report->at("faults").dump(1);
    EXPECT_GE(run.report->at("dma").at("transfers").get<uint64_t>(), 4u);
    EXPECT_FALSE(run.report->at("dma").contains("note"));
}

// A kernel whose DMA API the host does not know: no false alarm on valid transfers, one note
// saying what is off, and the device's own rules still hold.
TEST_F(DmaSanitizerGoodTest, WithoutADmaApiValidTransfersPassAndDeviceRulesHold) {
    auto run = boot_with_report("scenario=dma_driver_bugs bug=none", {"--dma-api", "none"});
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.out << run.err;
    EXPECT_TRUE(run.report->at("faults").empty()) << run.report->at("faults").dump(1);
    std::string note = run.report->at("dma").at("note");
    EXPECT_NE(note.find("rule (d)"), std::string::npos) << note;
    size_t notes = 0;
    for (const std::string &l : run.err_lines())
        notes += l.starts_with("ia32emu: note: DMA checks:");
    EXPECT_EQ(notes, 1u) << run.err;

    auto off = boot_with_report("scenario=dma_driver_bugs bug=bus_master_off", {"--dma-api", "none"});
    ASSERT_EQ(off.exit_status, GUEST_EXIT_DMA_REJECTED) << off.out << off.err;
    ASSERT_EQ(off.report->at("faults").size(), 1u) << off.report->at("faults").dump(1);
    EXPECT_EQ(off.report->at("faults")[0].at("rule"), "bus_master_off");

    auto above = boot_with_report("scenario=dma_vmalloc_virt_to_phys", {"--dma-api", "none"});
    ASSERT_EQ(above.exit_status, GUEST_EXIT_DMA_REJECTED) << above.out << above.err;
    ASSERT_EQ(above.report->at("faults").size(), 1u) << above.report->at("faults").dump(1);
    EXPECT_EQ(above.report->at("faults")[0].at("rule"), "above_dma_mask");
}

TEST_F(DmaSanitizerGoodTest, ADescriptionFileDrivesTheChecks) {
    ScratchDir dir;
    const auto path = dir.path() / "api.txt";
    {
        std::ofstream out(path);
        out << "# our kernel, described by hand: only streaming single mappings\n"
               "map_single dma_map_single va=stack1 size=stack2 dir=stack3\n"
               "unmap_single dma_unmap_single bus=stack1 size=stack2 dir=stack3\n";
    }
    auto run = boot_with_report("scenario=dma_driver_bugs bug=overrun", {"--dma-api", path.string()});
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.out << run.err;
    ASSERT_FALSE(run.report->at("faults").empty());
    EXPECT_EQ(run.report->at("faults")[0].at("rule"), "mapping_overrun");

    std::ofstream(path) << "map_single no_such_function va=stack1 size=stack2 dir=stack3\n";
    auto bad = boot("scenario=boot", {"--dma-api", path.string()});
    EXPECT_EQ(bad.exit_status, 2);
    EXPECT_EQ(bad.err_lines().size(), 1u) << bad.err;
    EXPECT_NE(bad.err.find("the kernel has no function 'no_such_function'"), std::string::npos) << bad.err;
}

// QEMU's edu moves every one of these bugs' bytes without a word; the driver sees success.
class DmaSanitizerQemuTest : public QemuTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(DmaSanitizerQemuTest, QemuRunsTheBugSilently) {
    QemuRun run;
    run.append = std::string("scenario=dma_driver_bugs bug=") + GetParam();
    run.extra_args = {"-device", "edu"};
    ProcessResult q = run_qemu(*find_qemu(), run);
    EXPECT_EQ(q.exit_status, qemu_exit_status(GUEST_EXIT_OK)) << q.out << q.err;
}

INSTANTIATE_TEST_SUITE_P(DeviceSideBugs, DmaSanitizerQemuTest,
                         ::testing::Values("kfree_while_mapped", "sg_overlong", "wrong_direction", "overrun"));

// The API-side bugs break no transfer: QEMU, like x86 hardware, runs them to a clean exit.
INSTANTIATE_TEST_SUITE_P(ApiSideBugs, DmaSanitizerQemuTest,
                         ::testing::Values("sg_seg_too_long", "sg_seg_boundary", "read_before_sync", "double_unmap",
                                           "unmap_size", "unchecked", "leak", "map_stack", "map_rodata",
                                           "sync_unmapped", "unmap_wrong_function", "unmap_sg_nents", "sync_sg_nents",
                                           "free_cpu_address", "sync_out_of_range", "sync_direction",
                                           "unmap_direction", "unmap_never_mapped", "shared_cacheline",
                                           "remap_leak", "unmap_error", "sg_stack", "map_mmio"));

} // namespace
} // namespace ia32emu::test
