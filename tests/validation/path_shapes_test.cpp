// Path accounting on the shapes that fooled it (guest/scenarios/validate_paths.c): a function whose
// first instruction is its loop's target, a recursive function, and a tail call. Each path's calls
// are the calls the guest made, and its cycles fit inside the region around those calls.
#include <gtest/gtest.h>

#include <string>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

constexpr uint64_t kCalls = 10;

class PathShapesTest : public ValidationTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(run_scenario("scenario=validate_paths calls=" + std::to_string(kCalls),
                                             {"--path", "paths_loop_at_entry", "--path", "paths_recurse", "--path",
                                              "paths_tail_caller"}));
    }
    const nlohmann::json &path(const std::string &name) const {
        for (const auto &p : report_.at("paths"))
            if (p.value("name", "") == name) return p;
        static const nlohmann::json none;
        ADD_FAILURE() << "no path " << name << " in " << report_.at("paths").dump(2);
        return none;
    }
    uint64_t region_cycles(const std::string &name) {
        RegionCounts r;
        region(name, r);
        return r.cycles;
    }
};

TEST_F(PathShapesTest, ALoopAtTheEntryIsOneCallPerCall) {
    const auto &p = path("paths_loop_at_entry");
    ASSERT_FALSE(p.is_null());
    // Ten direct calls; the tail calls through paths_tail_caller jump in and are not calls.
    EXPECT_EQ(p.at("calls").get<uint64_t>(), kCalls);
    EXPECT_LE(p.at("cycles").at("total").get<uint64_t>(), region_cycles("validate_paths:loop"));
    // Every iteration of every call: 100 x (dec, jnz) + ret.
    EXPECT_GE(p.at("instructions").get<uint64_t>(), kCalls * 201);
}

TEST_F(PathShapesTest, RecursionIsCountedOncePerOutermostCall) {
    const auto &p = path("paths_recurse");
    ASSERT_FALSE(p.is_null());
    EXPECT_EQ(p.at("calls").get<uint64_t>(), kCalls);
    EXPECT_LE(p.at("cycles").at("total").get<uint64_t>(), region_cycles("validate_paths:recurse"));
    EXPECT_TRUE(p.at("callees").empty()) << p.dump(2);
}

TEST_F(PathShapesTest, ATailCallIsTheCallersWork) {
    const auto &tail = path("paths_tail_caller");
    ASSERT_FALSE(tail.is_null());
    EXPECT_EQ(tail.at("calls").get<uint64_t>(), kCalls);
    EXPECT_TRUE(tail.at("callees").empty()) << tail.dump(2);
    // The callee's 100 iterations ran inside the caller's call.
    EXPECT_GE(tail.at("instructions").get<uint64_t>(), kCalls * 201);
    EXPECT_LE(tail.at("cycles").at("total").get<uint64_t>(), region_cycles("validate_paths:tail"));
}

} // namespace
} // namespace ia32emu::test
