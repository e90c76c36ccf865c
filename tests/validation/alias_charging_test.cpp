// One physical frame, two virtual addresses: each access is charged to the translation it used.
//
// The guest (guest/scenarios/validate_alias.c) maps one page both through the direct map (a
// global 4 MiB page) and through a vmap alias (a 4 KiB page). The engine reports only the physical
// address of an access; the host must find which alias the instruction used. If it charged alias
// loads to the direct map, the vmap regions would show no miss; if it charged direct-map loads to
// the alias, the direct region (alias dropped from the TLB just before) would.
#include <gtest/gtest.h>

#include <string>

#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

class AliasChargingTest : public ValidationTest {};

TEST_F(AliasChargingTest, EachAccessIsChargedToTheAliasItUsed) {
    const uint64_t loads = 64;
    ASSERT_NO_FATAL_FAILURE(run_scenario("scenario=validate_alias loads=" + std::to_string(loads), {}));
    EXPECT_NE(out_.find("validate_alias: loads=64 alias reads the direct map's data: yes"), std::string::npos) << out_;

    RegionCounts direct, vmap, mixed;
    ASSERT_NO_FATAL_FAILURE(region("validate_alias:direct", direct));
    ASSERT_NO_FATAL_FAILURE(region("validate_alias:vmap", vmap));
    ASSERT_NO_FATAL_FAILURE(region("validate_alias:mixed", mixed));

    // 128 loads through the direct map: all hit its 4 MiB entry.
    EXPECT_EQ(direct.dtlb_misses, 0u) << describe(direct);
    EXPECT_EQ(direct.page_walks, 0u) << describe(direct);
    // 128 loads through the alias after invlpg: one 4 KiB miss and walk, then hits.
    EXPECT_EQ(vmap.dtlb_misses, 1u) << describe(vmap);
    EXPECT_EQ(vmap.page_walks, 1u) << describe(vmap);
    // One load through each per iteration, the alias invlpg'd after each: every alias load misses
    // and walks, no direct-map load does.
    EXPECT_EQ(mixed.dtlb_misses, loads) << describe(mixed);
    EXPECT_EQ(mixed.page_walks, loads) << describe(mixed);
    EXPECT_EQ(mixed.tlb_flushes, loads) << describe(mixed);
    for (const auto &f : report_.at("faults"))
        ADD_FAILURE() << "unexpected fault: " << f.dump();
}

} // namespace
} // namespace ia32emu::test
