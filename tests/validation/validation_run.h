// What the validation tests share: boot a validate_* scenario with a report and read its regions
// and the resolved board back, so each expectation is computed from the configuration that ran.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {

// One region's counters from the report (the fields of a regions[] entry that the tests use).
struct RegionCounts {
    uint64_t calls = 0;
    uint64_t instructions = 0;
    uint64_t cycles = 0;
    uint64_t l1d_misses = 0;
    uint64_t l2_misses = 0;
    uint64_t dtlb_misses = 0;
    uint64_t page_walks = 0;
    uint64_t tlb_flushes = 0;
};

inline std::string describe(const RegionCounts &r) {
    return "calls=" + std::to_string(r.calls) + " instructions=" + std::to_string(r.instructions) +
           " cycles=" + std::to_string(r.cycles) + " l1d_misses=" + std::to_string(r.l1d_misses) +
           " l2_misses=" + std::to_string(r.l2_misses) + " dtlb_misses=" + std::to_string(r.dtlb_misses) +
           " page_walks=" + std::to_string(r.page_walks) + " tlb_flushes=" + std::to_string(r.tlb_flushes);
}

// Geometry of one cache level or TLB array, as the report's board section gives it.
struct Geometry {
    uint64_t sets = 0;
    uint64_t ways = 0;
    uint64_t line = 0; // bytes per line (caches) or per page (TLBs)
};

inline Geometry cache_geometry(const nlohmann::json &board, const std::string &level) {
    const nlohmann::json &c = board.at("cache").at(level);
    uint64_t size = c.at("size").get<uint64_t>(), ways = c.at("ways").get<uint64_t>();
    uint64_t line = c.at("line").get<uint64_t>();
    return {size / (ways * line), ways, line};
}

inline Geometry tlb4k_geometry(const nlohmann::json &board, const std::string &level) {
    const nlohmann::json &t = board.at("tlb").at(level);
    uint64_t entries = t.at("entries_4k").get<uint64_t>(), ways = t.at("ways_4k").get<uint64_t>();
    return {entries / ways, ways, 4096};
}

// Which of `blocks` (line or page numbers, in sweep order, all distinct) miss on every pass of a
// cyclic sweep under LRU, in the steady state: a set that receives more of them than it has ways
// misses on each of its blocks (LRU always evicts the block needed next); any other set hits.
inline std::vector<bool> cyclic_missers(const Geometry &g, const std::vector<uint64_t> &blocks) {
    std::vector<uint64_t> per_set(g.sets, 0);
    for (uint64_t b : blocks) ++per_set[b % g.sets];
    std::vector<bool> miss(blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) miss[i] = per_set[blocks[i] % g.sets] > g.ways;
    return miss;
}

// Block numbers first, first+step, ... (count of them).
inline std::vector<uint64_t> strided_blocks(uint64_t first, uint64_t step, uint64_t count) {
    std::vector<uint64_t> v(count);
    for (uint64_t i = 0; i < count; ++i) v[i] = first + i * step;
    return v;
}

inline uint64_t count_true(const std::vector<bool> &v) {
    uint64_t n = 0;
    for (bool b : v) n += b ? 1 : 0;
    return n;
}

class ValidationTest : public GuestTest {
protected:
    // Boots `cmdline` with a report; the guest must exit 0 and the report must parse.
    void run_scenario(const std::string &cmdline, const std::vector<std::string> &args) {
        auto run = boot_with_report(cmdline, args);
        out_ = run.out;
        ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
        ASSERT_TRUE(run.report) << run.report_problem;
        report_ = *run.report;
        ASSERT_TRUE(report_.contains("regions") && report_.contains("board")) << report_.dump(2);
    }

    // The region named `name`, which must have been entered exactly once.
    void region(const std::string &name, RegionCounts &out) const {
        for (const auto &r : report_.at("regions")) {
            if (r.value("name", "") != name) continue;
            out.calls = r.at("calls").get<uint64_t>();
            out.instructions = r.at("instructions").get<uint64_t>();
            out.cycles = r.at("cycles").at("total").get<uint64_t>();
            out.l1d_misses = r.at("l1d_misses").get<uint64_t>();
            out.l2_misses = r.at("l2_misses").get<uint64_t>();
            out.dtlb_misses = r.at("dtlb_misses").get<uint64_t>();
            out.page_walks = r.at("page_walks").get<uint64_t>();
            out.tlb_flushes = r.at("tlb_flushes").get<uint64_t>();
            ASSERT_EQ(out.calls, 1u) << name;
            return;
        }
        FAIL() << "no region " << name << " in the report:\n" << report_.at("regions").dump(2);
    }

    const nlohmann::json &board() const { return report_.at("board"); }
    uint64_t board_value(const std::string &section, const std::string &key) const {
        return board().at(section).at(key).get<uint64_t>();
    }

    std::string out_;
    nlohmann::json report_;
};

// Within 1% of the analytic count (so exactly, when that count is 0).
#define EXPECT_WITHIN_1_PERCENT(actual, expected)                                                          \
    EXPECT_LE(std::abs(double(actual) - double(expected)), 0.01 * double(expected))                      \
        << #actual " = " << (actual) << ", predicted " << (expected)

} // namespace ia32emu::test
