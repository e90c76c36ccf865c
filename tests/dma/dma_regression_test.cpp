// One regression test per dma_* scenario: exit code, fault, broken rule, provenance and moved data.
#include "tests/support/guest_run.h"

#include "devices/abi/edu.h"
#include "devices/abi/exit_port.h"

#include <cstdint>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ia32emu::test {
namespace {

using nlohmann::json;

// The guest's direct map starts here (guest/mm/layout.h): virt_to_phys(v) is v - kPageOffset.
constexpr uint64_t kPageOffset = 0xC0000000u;
// What the single-buffer scenarios move per transfer (DMA_TEST_LEN: the most QEMU 7.2 allows).
constexpr uint64_t kTestLen = 4095;
// ZONE_DMA ends at 16 MiB: a GFP_DMA buffer's bus address lies below.
constexpr uint64_t kZoneDmaEnd = 16u << 20;
constexpr uint64_t kDmaMask28 = (1u << 28) - 1;

uint64_t hex(const std::string &digits) { return std::stoull(digits, nullptr, 16); }

std::string hex_str(uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

bool has_line(const ProcessResult &r, std::string_view line) {
    for (const std::string &l : r.out_lines())
        if (l == line)
            return true;
    return false;
}

// The line the guest prints for a transfer the device rejected (dma_print_rejection).
std::string rejection_line(std::string_view what, unsigned rule, std::string_view name) {
    return "dma: " + std::string(what) + ": rejected by the device (rule " + std::to_string(rule) + " " +
           std::string(name) + ")";
}

std::vector<json> faults_of_kind(const json &report, std::string_view kind) {
    std::vector<json> found;
    for (const json &f : report.at("faults"))
        if (f.at("kind") == kind)
            found.push_back(f);
    return found;
}

uint64_t path_calls(const json &report, std::string_view name) {
    for (const json &p : report.at("paths"))
        if (p.at("name") == name)
            return p.at("calls").get<uint64_t>();
    ADD_FAILURE() << "no tracked path named " << name << " in the report";
    return 0;
}

// Checks the fields every fault shares and that a rejection is pinned on the edu driver's doorbell.
void expect_doorbell_fault(const json &fault) {
    const std::string eip = fault.at("eip");
    EXPECT_TRUE(std::regex_match(eip, std::regex("0x[0-9a-f]{8}"))) << eip;
    const std::string symbol = fault.at("symbol");
    EXPECT_TRUE(symbol.starts_with("edu_dma_start")) << "the doorbell write is in the edu driver's edu_dma_start, "
                                                        "got "
                                                     << symbol;
}

// The device's WARN belongs on stderr, apart from the guest's serial output on stdout.
void expect_warned(const ProcessResult &run, std::string_view rule_name) {
    const std::string warn = "edu: DMA rejected (" + std::string(rule_name) + ")";
    EXPECT_NE(run.err.find(warn), std::string::npos)
        << (run.out.find(warn) != std::string::npos ? "the warning went to stdout, into the guest's serial stream"
                                                     : "no `" + warn + "` warning")
        << "\nstderr: " << run.err;
}

// A good run: no fault, nothing rejected, the given data moved.
void expect_clean_dma(const GuestResult &run, uint64_t transfers, uint64_t bytes) {
    const json &report = *run.report;
    EXPECT_EQ(report.at("exit").at("reason"), "guest_exit");
    EXPECT_TRUE(report.at("faults").empty()) << report.at("faults").dump(1);
    EXPECT_EQ(report.at("dma").at("transfers"), transfers);
    EXPECT_EQ(report.at("dma").at("bytes"), bytes);
    EXPECT_GT(report.at("dma").at("cycles").get<uint64_t>(), 0u);
    EXPECT_EQ(run.err.find("DMA rejected"), std::string::npos) << run.err;
}

// The fields of the provenance the host adds when a bus address is virt_to_phys of a vmalloc address.
struct VmallocProvenance {
    uint64_t bus = 0;
    uint64_t virt = 0;
    uint64_t area_start = 0;
    uint64_t area_end = 0;   // inclusive
};

// Reads the vmalloc-area provenance out of a rejection's detail; fails the test when it is missing.
std::optional<VmallocProvenance> vmalloc_provenance(const std::string &detail) {
    static const std::regex re(
        "bus address 0x([0-9a-f]+) is virt_to_phys\\(0x([0-9a-f]+)\\) of vmalloc area: allocation [0-9]+ by "
        "vmalloc\\(8192\\) called from 0x[0-9a-f]{8} \\(scenario_dma_vmalloc_virt_to_phys\\+0x[0-9a-f]+\\), "
        "mapped at 0x([0-9a-f]+)-0x([0-9a-f]+)");
    std::smatch m;
    if (!std::regex_search(detail, m, re)) {
        ADD_FAILURE() << "no vmalloc-area provenance naming the scenario's vmalloc(8192) in: " << detail;
        return std::nullopt;
    }
    return VmallocProvenance{hex(m[1]), hex(m[2]), hex(m[3]), hex(m[4])};
}

// The vmalloc address the guest's debug virt_to_phys complained about.
std::optional<uint64_t> bug_line_address(const ProcessResult &r) {
    static const std::regex re("BUG: virt_to_phys: 0x([0-9a-f]+) is not a direct-map address.*");
    for (const std::string &l : r.out_lines()) {
        std::smatch m;
        if (std::regex_match(l, m, re))
            return hex(m[1]);
    }
    ADD_FAILURE() << "the guest printed no `BUG: virt_to_phys` line:\n" << r.out;
    return std::nullopt;
}

// The rejected transfer's bus address and length as the detail states them.
std::optional<std::pair<uint64_t, uint64_t>> rejected_range(const std::string &detail, std::string_view rule) {
    const std::regex re("edu rejected a DMA device->RAM: rule " + std::string(rule) +
                        ", bus 0x([0-9a-f]+), ([0-9]+) bytes");
    std::smatch m;
    if (!std::regex_search(detail, m, re)) {
        ADD_FAILURE() << "the detail does not name rule " << rule << ", the bus address and length: " << detail;
        return std::nullopt;
    }
    return std::pair{hex(m[1]), std::stoull(m[2])};
}

// Everything the virt_to_phys-of-vmalloc rejection must say, whichever rule the layout breaks.
void expect_virt_to_phys_rejection(const GuestResult &run, unsigned rule, std::string_view rule_name) {
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, rejection_line("device -> virt_to_phys(vmalloc)", rule, rule_name))) << run.out;
    expect_warned(run, rule_name);

    const auto rejected = faults_of_kind(*run.report, "dma_rejected");
    ASSERT_EQ(rejected.size(), 1u) << run.report->at("faults").dump(1);
    expect_doorbell_fault(rejected[0]);
    const std::string detail = rejected[0].at("detail");
    auto range = rejected_range(detail, rule_name);
    auto prov = vmalloc_provenance(detail);
    auto complained = bug_line_address(run);
    ASSERT_TRUE(range && prov && complained);

    EXPECT_EQ(range->second, kTestLen);
    EXPECT_EQ(prov->bus, range->first) << "the provenance explains the rejected bus address";
    EXPECT_EQ(prov->virt, *complained) << "the vmalloc address is the one the driver passed to virt_to_phys";
    EXPECT_EQ(prov->bus, prov->virt - kPageOffset);
    EXPECT_EQ(prov->area_start, prov->virt);
    EXPECT_EQ(prov->area_end - prov->area_start + 1, 8192u) << "the area of the scenario's vmalloc(2 pages)";

    // Only the correct load of the device moved data; the rejected write moved nothing.
    EXPECT_EQ(run.report->at("dma").at("transfers"), 1u);
    EXPECT_EQ(run.report->at("dma").at("bytes"), kTestLen);
}

class DmaRegressionTest : public GuestTest {};

TEST_F(DmaRegressionTest, KmallocRoundTripMovesTheData) {
    auto run = boot_with_report("scenario=dma_kmalloc");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, "dma: edu ready, bus mastering on, DMA mask 28 bits")) << run.out;
    EXPECT_TRUE(has_line(run, "dma: kmalloc round trip of 4095 bytes ok")) << run.out;
    expect_clean_dma(run, 2, 2 * kTestLen);
    EXPECT_EQ(path_calls(*run.report, "dma_map_single"), 2u);
    EXPECT_EQ(path_calls(*run.report, "dma_unmap_single"), 2u);
}

TEST_F(DmaRegressionTest, CoherentRoundTripMovesTheData) {
    auto run = boot_with_report("scenario=dma_coherent");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, "dma: coherent buffer of 8192 bytes within the 28-bit mask")) << run.out;
    EXPECT_TRUE(has_line(run, "dma: coherent round trip of 4095 bytes ok")) << run.out;
    expect_clean_dma(run, 2, 2 * kTestLen);
    EXPECT_EQ(path_calls(*run.report, "dma_alloc_coherent"), 1u);
    EXPECT_EQ(path_calls(*run.report, "dma_free_coherent"), 1u);
}

// The headline: the classic bug is stopped at the doorbell, and the report says which buffer it was.
TEST_F(DmaRegressionTest, VmallocVirtToPhysIsRejectedWithTheVmallocArea) {
    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys");
    expect_virt_to_phys_rejection(run, EDU_DMA_RULE_ABOVE_MASK, "above_dma_mask");
    if (HasFatalFailure())
        return;
    const std::string detail = run.report->at("faults")[0].at("detail");
    EXPECT_NE(detail.find("exceeds the 28-bit DMA mask 0xfffffff"), std::string::npos) << detail;
}

// With lowmem ending below the 28-bit mask the bogus bus address is RAM the device could reach,
// so the only rule left to catch it is the missing DMA mapping (the scenario documents this layout).
TEST_F(DmaRegressionTest, VmallocVirtToPhysWithinTheMaskHasNoLiveMapping) {
    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys vmalloc=768M");
    expect_virt_to_phys_rejection(run, EDU_DMA_RULE_NO_MAPPING, "no_live_mapping");
    if (HasFatalFailure())
        return;
    const std::string detail = run.report->at("faults")[0].at("detail");
    EXPECT_NE(detail.find("is not inside any live DMA mapping"), std::string::npos) << detail;
}

TEST_F(DmaRegressionTest, VmallocMapSingleIsRefusedAndRecorded) {
    auto run = boot_with_report("scenario=dma_vmalloc_map_single");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REFUSED) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, "dma: dma_map_single refused the vmalloc buffer")) << run.out;

    std::smatch warn;
    static const std::regex warn_re("WARN: rejecting DMA map of vmalloc memory caller=(0x[0-9a-f]{8})");
    ASSERT_TRUE(std::regex_search(run.out, warn, warn_re)) << run.out;

    const auto refused = faults_of_kind(*run.report, "dma_map_refused");
    ASSERT_EQ(refused.size(), 1u) << run.report->at("faults").dump(1);
    // Linux's dma-debug flags the attempt itself ("device driver maps memory from vmalloc area");
    // the device is never started, so nothing is rejected.
    const auto misuse = faults_of_kind(*run.report, "dma_api_misuse");
    ASSERT_EQ(misuse.size(), 1u) << run.report->at("faults").dump(1);
    EXPECT_EQ(misuse[0].at("check"), "map_vmalloc");
    EXPECT_EQ(run.report->at("faults").size(), 2u) << run.report->at("faults").dump(1);
    EXPECT_EQ(refused[0].at("eip"), warn[1].str()) << "the host and the guest's WARN name the same caller";
    EXPECT_TRUE(refused[0].at("symbol").get<std::string>().starts_with("scenario_dma_vmalloc_map_single+"))
        << refused[0].dump();
    const std::string detail = refused[0].at("detail");
    EXPECT_TRUE(std::regex_search(detail, std::regex("dma_map_single\\(0x[0-9a-f]+, 8192\\) refused"))) << detail;

    EXPECT_EQ(run.report->at("dma").at("transfers"), 0u);
    EXPECT_EQ(run.report->at("dma").at("bytes"), 0u);
    EXPECT_EQ(path_calls(*run.report, "dma_map_single"), 1u);
    EXPECT_EQ(path_calls(*run.report, "dma_unmap_single"), 0u);
}

TEST_F(DmaRegressionTest, VmallocScatterGatherRoundTripMovesTheData) {
    auto run = boot_with_report("scenario=dma_vmalloc_sg");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, "dma: 4 pages mapped as 4 segments each way")) << run.out;
    EXPECT_TRUE(has_line(run, "dma: scatter-gather round trip of 4 pages ok")) << run.out;
    // 4 pages, 2 KiB chunks, each chunk in and out again.
    expect_clean_dma(run, 4 * 2 * 2, 4 * 4096 * 2);
    EXPECT_EQ(path_calls(*run.report, "dma_map_sg"), 2u);
    EXPECT_EQ(path_calls(*run.report, "dma_unmap_sg"), 2u);
}

TEST_F(DmaRegressionTest, AfterFreeIsRejectedForLackOfAMapping) {
    auto run = boot_with_report("scenario=dma_after_free");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, "dma: buffer unmapped and freed; starting a transfer to its old bus address")) << run.out;
    EXPECT_TRUE(has_line(run, rejection_line("device -> stale bus address", EDU_DMA_RULE_NO_MAPPING,
                                             "no_live_mapping")))
        << run.out;
    expect_warned(run, "no_live_mapping");

    const auto rejected = faults_of_kind(*run.report, "dma_rejected");
    ASSERT_EQ(rejected.size(), 1u) << run.report->at("faults").dump(1);
    expect_doorbell_fault(rejected[0]);
    const std::string detail = rejected[0].at("detail");
    auto range = rejected_range(detail, "no_live_mapping");
    ASSERT_TRUE(range);
    EXPECT_EQ(range->second, 512u);
    EXPECT_LT(range->first, kZoneDmaEnd) << "the stale address is the freed GFP_DMA buffer's";
    EXPECT_NE(detail.find("is not inside any live DMA mapping"), std::string::npos) << detail;
    // Provenance: the frame is named, and so is the freed allocation that last held it (the
    // frame itself may still belong to the slab that carved the object out of it).
    const std::string frame = "frame " + hex_str(range->first & ~uint64_t(0xfff)) + ": ";
    EXPECT_NE(detail.find(frame), std::string::npos) << detail;
    static const std::regex last_owner("(last held by|last freed there:) allocation [0-9]+ by kmalloc\\(512\\) called "
                                       "from 0x[0-9a-f]{8} \\(scenario_dma_after_free\\+0x[0-9a-f]+\\), mapped at "
                                       "0x([0-9a-f]+)-0x([0-9a-f]+)");
    std::smatch owner;
    ASSERT_TRUE(std::regex_search(detail, owner, last_owner)) << detail;
    EXPECT_EQ(hex(owner[2]) - kPageOffset, range->first) << "the stale bus address is the freed object's";
    EXPECT_EQ(hex(owner[3]) - hex(owner[2]) + 1, 512u);
    EXPECT_EQ(detail.find("vmalloc area"), std::string::npos) << detail;

    // The correct transfer before the free moved its 512 bytes; the stale one moved nothing.
    EXPECT_EQ(run.report->at("dma").at("transfers"), 1u);
    EXPECT_EQ(run.report->at("dma").at("bytes"), 512u);
    EXPECT_EQ(path_calls(*run.report, "dma_unmap_single"), 1u);
}

TEST_F(DmaRegressionTest, AboveMaskIsRejectedAndAGfpDmaBufferWorks) {
    auto run = boot_with_report("scenario=dma_above_mask");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.describe() << "\n" << run.out;
    ASSERT_TRUE(run.report) << run.report_problem;
    EXPECT_TRUE(has_line(run, rejection_line("device -> highmem page", EDU_DMA_RULE_ABOVE_MASK, "above_dma_mask")))
        << run.out;
    EXPECT_TRUE(has_line(run, "dma: GFP_DMA buffer received the data")) << run.out;
    expect_warned(run, "above_dma_mask");

    const auto rejected = faults_of_kind(*run.report, "dma_rejected");
    ASSERT_EQ(rejected.size(), 1u) << run.report->at("faults").dump(1);
    expect_doorbell_fault(rejected[0]);
    const std::string detail = rejected[0].at("detail");
    auto range = rejected_range(detail, "above_dma_mask");
    ASSERT_TRUE(range);
    EXPECT_GT(range->first, kDmaMask28);
    EXPECT_EQ(range->second, kTestLen);
    EXPECT_NE(detail.find("exceeds the 28-bit DMA mask 0xfffffff"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("vmalloc area"), std::string::npos) << "page_to_phys of a page is not a vmalloc bug";
    EXPECT_NE(detail.find("frame " + hex_str(range->first) + ":"), std::string::npos) << "provenance names the frame";
    // alloc_pages hands out a struct page, not an address; the host still knows whose frame it is.
    static const std::regex page_owner("frame 0x([0-9a-f]+): allocation [0-9]+ by alloc_pages\\(4096 bytes\\) called "
                                       "from 0x[0-9a-f]{8} \\(scenario_dma_above_mask\\+0x[0-9a-f]+\\), frames "
                                       "0x([0-9a-f]+)-0x[0-9a-f]+");
    std::smatch owner;
    ASSERT_TRUE(std::regex_search(detail, owner, page_owner)) << detail;
    EXPECT_EQ(hex(owner[1]), range->first);
    EXPECT_EQ(hex(owner[2]), range->first);

    // Loading the device and the GFP_DMA receive: two transfers; the rejected one moved nothing.
    EXPECT_EQ(run.report->at("dma").at("transfers"), 2u);
    EXPECT_EQ(run.report->at("dma").at("bytes"), 2 * kTestLen);
}

// Completion time follows the board file: latency per transfer plus bytes at the board's bandwidth.
TEST_F(DmaRegressionTest, TransferCyclesFollowTheBoardFile) {
    for (const char *board : {"pentium-m", "atom-n270"}) {
        SCOPED_TRACE(board);
        auto run = boot_with_report("scenario=dma_kmalloc", {"--board", board});
        ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe();
        ASSERT_TRUE(run.report) << run.report_problem;
        const json &cfg = run.report->at("board").at("dma");
        const json &dma = run.report->at("dma");
        const double latency = cfg.at("latency").get<double>();
        const double rate = cfg.at("bytes_per_cycle").get<double>();
        ASSERT_GT(rate, 0.0);
        const double transfers = dma.at("transfers").get<double>();
        const double expected = transfers * latency + dma.at("bytes").get<double>() / rate;
        // Each transfer may round its own duration up by one cycle.
        EXPECT_NEAR(dma.at("cycles").get<double>(), expected, transfers)
            << "board dma.latency " << latency << ", dma.bytes_per_cycle " << rate;
    }
}

// QEMU's edu is not strict: the same kernel shows the corruption that ia32emu stops at the doorbell.
class DmaQemuContrastTest : public QemuTest {
protected:
    ProcessResult qemu_with_edu(const std::string &append) {
        QemuRun run;
        run.append = append;
        run.extra_args = {"-device", "edu"};
        return run_qemu(qemu_path_, run);
    }
};

TEST_F(DmaQemuContrastTest, VmallocVirtToPhysCorruptsUnderQemuButIsRejectedHere) {
    auto q = qemu_with_edu("scenario=dma_vmalloc_virt_to_phys");
    EXPECT_EQ(q.exit_status, qemu_exit_status(GUEST_EXIT_DMA_CORRUPT)) << q.describe() << "\n" << q.out;
    EXPECT_TRUE(has_line(q, "dma: virt_to_phys(vmalloc) transfer: data differs from byte 0 on")) << q.out;
    static const std::regex clamp_re("EDU: clamping DMA 0x0*([0-9a-f]+) to 0x[0-9a-f]+!");
    std::smatch clamp;
    ASSERT_TRUE(std::regex_search(q.out, clamp, clamp_re)) << "QEMU clamps the address silently to the guest:\n"
                                                           << q.out;

    auto run = boot_with_report("scenario=dma_vmalloc_virt_to_phys");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_DMA_REJECTED) << run.describe();
    ASSERT_TRUE(run.report) << run.report_problem;
    const auto rejected = faults_of_kind(*run.report, "dma_rejected");
    ASSERT_EQ(rejected.size(), 1u);
    auto range = rejected_range(rejected[0].at("detail"), "above_dma_mask");
    ASSERT_TRUE(range);
    EXPECT_EQ(range->first, hex(clamp[1])) << "both machines saw the same bogus bus address";
}

struct ContrastCase {
    const char *scenario;
    int ia32emu_code;
    int qemu_code;
};

class DmaQemuContrastAllTest : public DmaQemuContrastTest, public ::testing::WithParamInterface<ContrastCase> {};

TEST_P(DmaQemuContrastAllTest, ExitCodesDifferOnlyWhereTheBugIsCaught) {
    const ContrastCase &c = GetParam();
    auto q = qemu_with_edu(std::string("scenario=") + c.scenario);
    EXPECT_EQ(q.exit_status, qemu_exit_status(c.qemu_code)) << q.describe() << "\n" << q.out;
    auto run = boot(std::string("scenario=") + c.scenario);
    EXPECT_EQ(run.exit_status, c.ia32emu_code) << run.describe() << "\n" << run.out;
}

INSTANTIATE_TEST_SUITE_P(
    DmaScenarios, DmaQemuContrastAllTest,
    ::testing::Values(ContrastCase{"dma_kmalloc", GUEST_EXIT_OK, GUEST_EXIT_OK},
                      ContrastCase{"dma_coherent", GUEST_EXIT_OK, GUEST_EXIT_OK},
                      ContrastCase{"dma_vmalloc_virt_to_phys", GUEST_EXIT_DMA_REJECTED, GUEST_EXIT_DMA_CORRUPT},
                      ContrastCase{"dma_vmalloc_map_single", GUEST_EXIT_DMA_REFUSED, GUEST_EXIT_DMA_REFUSED},
                      ContrastCase{"dma_vmalloc_sg", GUEST_EXIT_OK, GUEST_EXIT_OK},
                      ContrastCase{"dma_after_free", GUEST_EXIT_DMA_REJECTED, GUEST_EXIT_DMA_CORRUPT},
                      ContrastCase{"dma_above_mask", GUEST_EXIT_DMA_REJECTED, GUEST_EXIT_DMA_CORRUPT}),
    [](const ::testing::TestParamInfo<ContrastCase> &param) { return std::string(param.param.scenario); });

} // namespace
} // namespace ia32emu::test
