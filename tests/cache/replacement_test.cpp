// Replacement policy tests: the victim each policy picks on known sequences.
#include "emu/cache/replacement.h"

#include <gtest/gtest.h>

#include <set>

namespace ia32emu {
namespace {

// Fills ways 0..ways-1 of set 0 in order, as an owner filling empty ways first does.
void fill_all(Replacement &r, uint32_t ways) {
    for (uint32_t w = 0; w < ways; ++w) r.on_fill(0, w);
}

TEST(CacheReplacement, LruEvictsLeastRecentlyUsed) {
    Replacement r(ReplacementPolicy::Lru, 2, 4, 1);
    fill_all(r, 4);
    EXPECT_EQ(r.victim(0), 0u);
    r.on_hit(0, 0);
    EXPECT_EQ(r.victim(0), 1u);
    r.on_hit(0, 1);
    r.on_hit(0, 2);
    EXPECT_EQ(r.victim(0), 3u);
    // Sets are independent.
    r.on_fill(1, 3);
    r.on_fill(1, 2);
    r.on_fill(1, 1);
    r.on_fill(1, 0);
    EXPECT_EQ(r.victim(1), 3u);
}

TEST(CacheReplacement, TreePlruFourWays) {
    Replacement r(ReplacementPolicy::TreePlru, 1, 4, 1);
    fill_all(r, 4);
    EXPECT_EQ(r.victim(0), 0u);
    // After A B C D then A, the root points right and the right node at C (way 2); LRU says B.
    r.on_hit(0, 0);
    EXPECT_EQ(r.victim(0), 2u);
    r.on_hit(0, 2);
    EXPECT_EQ(r.victim(0), 1u);
}

TEST(CacheReplacement, TreePlruEightWaysKnownSequence) {
    Replacement r(ReplacementPolicy::TreePlru, 1, 8, 1);
    fill_all(r, 8);
    EXPECT_EQ(r.victim(0), 0u);
    r.on_hit(0, 0);
    EXPECT_EQ(r.victim(0), 4u);
    r.on_hit(0, 4);
    EXPECT_EQ(r.victim(0), 2u);
    r.on_hit(0, 2);
    EXPECT_EQ(r.victim(0), 6u);
    r.on_hit(0, 6);
    EXPECT_EQ(r.victim(0), 1u);
    // A victim, once used, is never the next victim.
    for (int i = 0; i < 50; ++i) {
        uint32_t v = r.victim(0);
        r.on_fill(0, v);
        EXPECT_NE(r.victim(0), v);
    }
}

TEST(CacheReplacement, FifoIgnoresHits) {
    Replacement r(ReplacementPolicy::Fifo, 1, 4, 1);
    fill_all(r, 4);
    r.on_hit(0, 0);
    r.on_hit(0, 0);
    EXPECT_EQ(r.victim(0), 0u);
    r.on_fill(0, 0);
    EXPECT_EQ(r.victim(0), 1u);
}

TEST(CacheReplacement, RandomIsSeededAndCoversAllWays) {
    Replacement a(ReplacementPolicy::Random, 1, 8, 42);
    Replacement b(ReplacementPolicy::Random, 1, 8, 42);
    Replacement c(ReplacementPolicy::Random, 1, 8, 43);
    std::set<uint32_t> seen;
    bool differs = false;
    for (int i = 0; i < 200; ++i) {
        uint32_t va = a.victim(0);
        EXPECT_EQ(va, b.victim(0));
        differs |= va != c.victim(0);
        EXPECT_LT(va, 8u);
        seen.insert(va);
    }
    EXPECT_EQ(seen.size(), 8u);
    EXPECT_TRUE(differs);
}

TEST(CacheReplacement, NamesAndGeometry) {
    EXPECT_EQ(parse_replacement_policy("lru"), ReplacementPolicy::Lru);
    EXPECT_EQ(parse_replacement_policy("plru"), ReplacementPolicy::TreePlru);
    EXPECT_EQ(parse_replacement_policy("tree-plru"), ReplacementPolicy::TreePlru);
    EXPECT_EQ(parse_replacement_policy("fifo"), ReplacementPolicy::Fifo);
    EXPECT_EQ(parse_replacement_policy("random"), ReplacementPolicy::Random);
    EXPECT_EQ(parse_replacement_policy("mru"), std::nullopt);
    EXPECT_EQ(replacement_policy_name(ReplacementPolicy::TreePlru), "plru");
    EXPECT_EQ(replacement_geometry_error(ReplacementPolicy::TreePlru, 8), "");
    EXPECT_NE(replacement_geometry_error(ReplacementPolicy::TreePlru, 12), "");
    EXPECT_NE(replacement_geometry_error(ReplacementPolicy::TreePlru, 128), "");
    EXPECT_EQ(replacement_geometry_error(ReplacementPolicy::Lru, 12), "");
    EXPECT_NE(replacement_geometry_error(ReplacementPolicy::Lru, 0), "");
}

} // namespace
} // namespace ia32emu
