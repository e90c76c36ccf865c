// Guests written to get past the limits or to grow the host's memory (tests/guests/*.S). Each
// must end with its documented status and a report, within bounded wall time and host memory.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The README's promise: peak resident memory below RAM + this, whatever the guest does.
constexpr long kHostOverheadKib = 256 * 1024;
// Address space: RAM + Unicorn's translation buffer (1 GiB, reserved rather than touched) + this.
constexpr unsigned long long kAddressSpaceOverhead = 1536ull << 20;
constexpr unsigned long long kSmallRam = 64ull << 20;

struct HostileRun : ProcessResult {
    std::optional<nlohmann::json> report;
};

// Runs a guest on a 64 MiB board under an address-space limit (unless sanitized: ASan reserves
// terabytes of shadow), with a report.
HostileRun run_hostile(const std::filesystem::path &kernel, std::vector<std::string> extra_args,
                       std::chrono::seconds safety = std::chrono::seconds(120)) {
    ScratchDir dir;
    std::filesystem::path report = dir.file("report.json");
    std::vector<std::string> argv;
    if (!kSanitized && std::filesystem::exists("/usr/bin/prlimit"))
        argv = {"/usr/bin/prlimit", "--as=" + std::to_string(kSmallRam + (1ull << 30) + kAddressSpaceOverhead), "--"};
    argv.push_back(ia32emu_binary().string());
    std::vector<std::string> run{"run", kernel.string(), "--set", "memory.ram_size=64MiB", "--report", report.string()};
    argv.insert(argv.end(), run.begin(), run.end());
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    HostileRun r;
    static_cast<ProcessResult &>(r) = run_process(argv, safety);
    std::ifstream in(report);
    if (in)
        r.report = nlohmann::json::parse(in, nullptr, false);
    if (r.report && r.report->is_discarded())
        r.report.reset();
    return r;
}

void expect_bounded(const HostileRun &r, double max_seconds) {
    EXPECT_FALSE(r.killed_by_safety_net) << r.describe();
    EXPECT_LT(r.wall.count(), max_seconds) << r.describe();
    if (!kSanitized) {
        EXPECT_LT(r.peak_rss_kib, long(kSmallRam >> 10) + kHostOverheadKib) << r.describe();
    }
    ASSERT_TRUE(r.report) << "no report written; " << r.describe();
}

TEST(HostileGuest, CodeAtTheTopOfTheAddressSpaceObeysTheBudget) {
    auto r = run_hostile(test_guest("top_of_memory"), {"--max-insns", "2000000"});
    EXPECT_EQ(r.exit_status, kExitBudget) << r.describe();
    expect_bounded(r, 30);
    EXPECT_EQ((*r.report)["exit"]["reason"], "instruction_budget");
    EXPECT_NE(r.err.find("eip=0xfffffff"), std::string::npos) << r.err;
}

TEST(HostileGuest, CodeAtTheTopOfTheAddressSpaceObeysTheTimeout) {
    auto r = run_hostile(test_guest("top_of_memory"), {"--timeout", "1"});
    EXPECT_EQ(r.exit_status, kExitTimeout) << r.describe();
    expect_bounded(r, 20);
    EXPECT_EQ((*r.report)["exit"]["reason"], "timeout");
}

TEST(HostileGuest, UnmappedPageFaultHandlerCountsAgainstTheBudget) {
    // No instruction ever completes: the budget must count the deliveries themselves.
    auto r = run_hostile(test_guest("unmapped_pf_handler"), {"--max-insns", "200000"});
    EXPECT_EQ(r.exit_status, kExitBudget) << r.describe();
    expect_bounded(r, 30);
    EXPECT_EQ((*r.report)["exit"]["reason"], "instruction_budget");
    EXPECT_NE(r.err.find("eip=0x40000000"), std::string::npos) << r.err;
}

TEST(HostileGuest, UnmappedPageFaultHandlerObeysTheTimeout) {
    auto r = run_hostile(test_guest("unmapped_pf_handler"), {"--timeout", "1"});
    EXPECT_EQ(r.exit_status, kExitTimeout) << r.describe();
    expect_bounded(r, 20);
}

} // namespace
} // namespace ia32emu::test
