// A pointer chase whose every load depends on the one before: its cycles per load equal the
// configured load-to-use latency of the level the buffer lives in, plus the loop's other
// instructions (the load's own issue cycle is part of its load-to-use latency). This checks the
// model's arithmetic against its configuration; tests/validation/published_agreement_test.cpp
// checks the model against published measurements of the real chips.
//
// The guest (guest/scenarios/validate_chase.c) links one node per 64-byte line of a physically
// contiguous buffer in address order and chases `loads` links (region validate_chase:short) and
// then 2 x `loads` (validate_chase:long) with the same code, caches warm. The difference of the
// two regions is exactly `loads` iterations of `mov (%esi),%esi; dec %ecx; jnz`, whose static cost
// is the block's schedule on the board's core (the decoder's, which the counter and the branch
// share with the load's issue slot); the load adds the latency of the level that supplies it
// beyond that slot. Both caches use exact LRU, under which a cyclic sweep larger than a level misses it on every
// load; the L2 stream prefetcher, which would fetch the address-ordered chain ahead, is off, and
// so is branch prediction (the loop exits of the two regions see different global histories;
// published_agreement_test.cpp checks the predictor). With one
// load outstanding at a time the bus is idle at each request and a fill takes exactly the DRAM
// latency. No tolerance is needed: the instruction fetch hits L1I (latency 0 on both presets), the
// buffer's 4 MiB page stays in the DTLB, and nothing else happens in the loop.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "emu/board/board_config.h"
#include "emu/timing/block_decoder.h"
#include "tests/validation/validation_run.h"

namespace ia32emu::test {
namespace {

enum class Level { L1d, L2, Memory };

struct ChaseCase {
    const char *name;
    const char *board;
    uint64_t size;
    Level level;
};

void PrintTo(const ChaseCase &c, std::ostream *os) { *os << c.name; }

class PointerChaseTest : public ValidationTest, public ::testing::WithParamInterface<ChaseCase> {};

TEST_P(PointerChaseTest, CyclesPerLoadAreTheLevelLatency) {
    const ChaseCase &c = GetParam();
    const uint64_t loads = 65536;
    std::string cmdline = "scenario=validate_chase stride=64 size=" + std::to_string(c.size) +
                          " loads=" + std::to_string(loads);
    ASSERT_NO_FATAL_FAILURE(run_scenario(cmdline, {"--board", c.board, "--set", "cache.l1d.replacement=lru", "--set",
                                                   "cache.l2.replacement=lru", "--set", "prefetch.streams=0", "--set",
                                                   "branch.entries=0"}));
    ASSERT_NE(out_.find("validate_chase: size=" + std::to_string(c.size) + " stride=64"), std::string::npos) << out_;
    ASSERT_EQ(board().at("cache").at("l1i").value("latency", 1u), 0u) << "a fetch hit would add to the loop";
    ASSERT_EQ(board().at("cache").at("l1d").value("replacement", ""), "lru");
    ASSERT_EQ(board().at("cache").at("l2").value("replacement", ""), "lru");

    uint64_t latency = c.level == Level::L1d  ? board().at("cache").at("l1d").at("latency").get<uint64_t>()
                       : c.level == Level::L2 ? board().at("cache").at("l2").at("latency").get<uint64_t>()
                                              : board_value("memory", "latency");
    BoardConfig config = BoardConfig::load(c.board);
    BlockDecoder decoder(config.cost, config.core);
    const std::vector<uint8_t> loop = {0x8b, 0x36, 0x49, 0x75, 0xfb};   // mov (%esi),%esi; dec %ecx; jnz
    uint64_t per_load = decoder.decode(0x1000, loop).static_cycles - config.cost.load + latency;

    RegionCounts shorter, longer;
    ASSERT_NO_FATAL_FAILURE(region("validate_chase:short", shorter));
    ASSERT_NO_FATAL_FAILURE(region("validate_chase:long", longer));
    EXPECT_EQ(longer.cycles - shorter.cycles, loads * per_load)
        << "measured " << double(longer.cycles - shorter.cycles) / double(loads) << " cycles per load, configured "
        << per_load << "\nshort: " << describe(shorter) << "\nlong: " << describe(longer);
    EXPECT_EQ(longer.instructions - shorter.instructions, 3 * loads);
    // The misses say which level supplied the loads.
    EXPECT_EQ(longer.l1d_misses - shorter.l1d_misses, c.level == Level::L1d ? 0 : loads);
    EXPECT_EQ(longer.l2_misses - shorter.l2_misses, c.level == Level::Memory ? loads : 0);
    EXPECT_EQ(longer.page_walks + shorter.page_walks, 0u);
}

// Sizes: at most half of L1D; 8 times L1D, at most half of L2; at least twice L2 (the buddy allocator's largest
// block is 4 MiB, enough for both presets).
INSTANTIATE_TEST_SUITE_P(Validation, PointerChaseTest,
                         ::testing::Values(ChaseCase{"pentium_m_l1d", "pentium-m", 16 << 10, Level::L1d},
                                           ChaseCase{"pentium_m_l2", "pentium-m", 256 << 10, Level::L2},
                                           ChaseCase{"pentium_m_memory", "pentium-m", 4 << 20, Level::Memory},
                                           ChaseCase{"atom_l1d", "atom-n270", 8 << 10, Level::L1d},
                                           ChaseCase{"atom_l2", "atom-n270", 192 << 10, Level::L2},
                                           ChaseCase{"atom_memory", "atom-n270", 1 << 20, Level::Memory}),
                         [](const ::testing::TestParamInfo<ChaseCase> &p) { return std::string(p.param.name); });

} // namespace
} // namespace ia32emu::test
