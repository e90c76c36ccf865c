// --trace and --folded on real runs of our kernel: the trace is well-formed Chrome trace-event
// JSON whose slices nest per track, match the report's calls and sit at cycles / clock_mhz; faults
// are instant events at their cycle stamps; folded stacks add up to the run's cycles and to each
// region's inclusive cycles; both are byte-identical from run to run.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

ProcessResult run_with_artefacts(const ScratchDir &dir, const std::string &cmdline, const std::string &tag) {
    return run_ia32emu_args({"run", our_kernel().string(), "--cmdline", cmdline, "--report",
                             dir.file(tag + ".json").string(), "--trace", dir.file(tag + ".trace.json").string(),
                             "--folded", dir.file(tag + ".folded").string()});
}

// One bench repetition per cell: regions with nested phases and allocator calls inside them.
class TraceAndFolded : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new ScratchDir;
        auto r = run_with_artefacts(*dir_, "scenario=bench reps=1 slub_debug=-", "bench");
        ASSERT_EQ(r.exit_status, 0) << r.describe();
        report_ = new Json(Json::parse(file_contents(dir_->file("bench.json"))));
        trace_ = new Json(Json::parse(file_contents(dir_->file("bench.trace.json"))));
    }
    static void TearDownTestSuite() {
        delete report_;
        delete trace_;
        delete dir_;
    }
    static inline ScratchDir *dir_ = nullptr;
    static inline Json *report_ = nullptr, *trace_ = nullptr;
};

TEST_F(TraceAndFolded, TraceIsChromeTraceEventFormatOnModelledTime) {
    const Json &t = *trace_;
    ASSERT_TRUE(t["traceEvents"].is_array());
    EXPECT_EQ(t["otherData"]["schema"], "ia32emu-trace/1");
    EXPECT_EQ(t["otherData"]["slices_dropped"], 0);
    const double mhz = (*report_)["totals"]["clock_mhz"].get<double>();
    ASSERT_GT(mhz, 0);
    std::map<std::string, uint64_t> slices_by_name;
    size_t complete = 0;
    for (const Json &e : t["traceEvents"]) {
        // Fields every consumer of the format requires.
        ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("tid") && e.contains("name")) << e;
        if (e["ph"] == "M") continue;
        ASSERT_TRUE(e["ts"].is_number()) << e;
        if (e["ph"] != "X") continue;
        ++complete;
        ASSERT_TRUE(e["dur"].is_number()) << e;
        const uint64_t start = e["args"]["start_cycles"], cycles = e["args"]["cycles"];
        EXPECT_NEAR(e["ts"].get<double>(), double(start) / mhz, 1e-9 * (1 + double(start) / mhz)) << e;
        EXPECT_NEAR(e["dur"].get<double>(), double(cycles) / mhz, 1e-9 * (1 + double(cycles) / mhz)) << e;
        EXPECT_EQ(e["tid"], e["cat"] == "region" ? 1 : 2) << e;
        ++slices_by_name[std::string(e["cat"]) + " " + std::string(e["name"])];
    }
    EXPECT_EQ(complete, t["otherData"]["slices"].get<size_t>());
    // Every completed call and region is one slice.
    for (const char *kind : {"paths", "regions"})
        for (const Json &p : (*report_)[kind]) {
            const std::string key = std::string(kind == std::string("paths") ? "path " : "region ") + std::string(p["name"]);
            EXPECT_EQ(slices_by_name[key], p["calls"].get<uint64_t>()) << key;
        }
}

TEST_F(TraceAndFolded, SlicesNestPerTrackAndCallsNestInCalls) {
    // Sorted by start, outer first: on each track a slice either lies inside the innermost open
    // one or starts after it ended.
    std::map<int, std::vector<std::pair<uint64_t, uint64_t>>> open;   // tid -> stack of [start, end]
    std::map<int, size_t> deepest;
    uint64_t last_start = 0;
    for (const Json &e : (*trace_)["traceEvents"]) {
        if (e["ph"] != "X") continue;
        const uint64_t start = e["args"]["start_cycles"], end = start + e["args"]["cycles"].get<uint64_t>();
        ASSERT_GE(start, last_start) << "slices are in start order";
        last_start = start;
        auto &stack = open[e["tid"].get<int>()];
        while (!stack.empty() && stack.back().second <= start && !(stack.back().first == start && end <= stack.back().second))
            stack.pop_back();
        if (!stack.empty()) {
            ASSERT_GE(start, stack.back().first) << e;
            ASSERT_LE(end, stack.back().second) << "overlaps its enclosing slice without nesting: " << e;
        }
        stack.emplace_back(start, end);
        deepest[e["tid"].get<int>()] = std::max(deepest[e["tid"].get<int>()], stack.size());
    }
    EXPECT_GE(deepest[1], 2u) << "phases inside cells";
    EXPECT_GE(deepest[2], 2u) << "allocator calls inside allocator calls (vmalloc -> alloc_pages)";
}

TEST_F(TraceAndFolded, FoldedStacksAddUpToTheRunAndToEachRegion) {
    const std::string folded = file_contents(dir_->file("bench.folded"));
    std::map<std::string, uint64_t> stacks;
    uint64_t sum = 0;
    for (const std::string &line : split_lines(folded)) {
        if (line.empty()) continue;
        const size_t space = line.rfind(' ');
        ASSERT_NE(space, std::string::npos) << line;
        const std::string weight = line.substr(space + 1);
        ASSERT_EQ(weight.find_first_not_of("0123456789"), std::string::npos) << line;
        ASSERT_TRUE(stacks.emplace(line.substr(0, space), std::stoull(weight)).second) << "one line per stack: " << line;
        sum += std::stoull(weight);
    }
    EXPECT_EQ(sum, (*report_)["totals"]["cycles"].get<uint64_t>()) << "widths add up to the whole run";
    EXPECT_TRUE(stacks.count("(outside tracked paths and regions)"));
    // A region's inclusive cycles are its own stack's self cycles plus everything below it.
    auto inclusive = [&](const std::string &prefix) {
        uint64_t total = 0;
        for (const auto &[stack, cycles] : stacks)
            if (stack == prefix || stack.rfind(prefix + ";", 0) == 0) total += cycles;
        return total;
    };
    for (const Json &r : (*report_)["regions"]) {
        const std::string name = r["name"];
        if (name != "vmalloc/65536:alloc" && name != "kmalloc/4096:free" && name != "touch:vmalloc/4M") continue;
        const std::string cell = name.substr(0, name.rfind(':'));
        const std::string stack = name.rfind("touch:", 0) == 0 ? name : cell + ";" + name;
        EXPECT_EQ(inclusive(stack), r["cycles"]["total"].get<uint64_t>()) << stack;
    }
    EXPECT_GT(inclusive("vmalloc/65536;vmalloc/65536:alloc;vmalloc"), 0u) << "vmalloc called inside its region";
}

TEST(TraceFaults, StaleTlbIsAnInstantEventAtItsCycle) {
    ScratchDir dir;
    auto r = run_with_artefacts(dir, "scenario=validate_stale_tlb flush=none", "stale");
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    const Json report = Json::parse(file_contents(dir.file("stale.json")));
    const Json trace = Json::parse(file_contents(dir.file("stale.trace.json")));
    std::vector<uint64_t> reported;
    for (const Json &f : report["faults"])
        if (f["kind"] == "stale_tlb") reported.push_back(f["cycles"]);
    ASSERT_FALSE(reported.empty());
    std::vector<uint64_t> traced;
    for (const Json &e : trace["traceEvents"])
        if (e["ph"] == "i" && e["name"] == "stale_tlb") {
            EXPECT_EQ(e["tid"], 3);
            traced.push_back(e["args"]["cycles"]);
            EXPECT_NEAR(e["ts"].get<double>(), e["args"]["cycles"].get<double>() / report["totals"]["clock_mhz"].get<double>(),
                        1e-6);
        }
    EXPECT_EQ(traced, reported);
    EXPECT_GT(reported.front(), 0u);
    EXPECT_LT(reported.front(), report["totals"]["cycles"].get<uint64_t>());
}

TEST(TraceFaults, SameRunGivesTheSameBytesAndBadTargetsAreRefused) {
    ScratchDir dir;
    for (const char *tag : {"a", "b"})
        ASSERT_EQ(run_with_artefacts(dir, "scenario=selftest slub_debug=-", tag).exit_status, 0);
    EXPECT_EQ(file_contents(dir.file("a.trace.json")), file_contents(dir.file("b.trace.json")));
    EXPECT_EQ(file_contents(dir.file("a.folded")), file_contents(dir.file("b.folded")));
    EXPECT_GT(file_contents(dir.file("a.folded")).size(), 100u);

    for (const std::vector<std::string> &bad :
         {std::vector<std::string>{"--trace", dir.path().string()}, std::vector<std::string>{"--folded", "-"},
          std::vector<std::string>{"--trace", (dir.path() / "no/such/dir/t.json").string()}}) {
        std::vector<std::string> args{"run", our_kernel().string(), "--max-insns", "1000"};
        args.insert(args.end(), bad.begin(), bad.end());
        auto r = run_ia32emu_args(args);
        EXPECT_EQ(r.exit_status, 2) << bad[0] << " " << bad[1];
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    }
}

} // namespace
} // namespace ia32emu::test
