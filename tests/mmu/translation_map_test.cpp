// The engine's map from physical frames back to the virtual pages that reach them: single and
// double mappings, remapping, invlpg in any order, flushes, and frames outside RAM.
#include "emu/mmu/translation_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace ia32emu {
namespace {

constexpr uint64_t kRam = 16ull << 20;

std::vector<uint32_t> aliases_of(const TranslationMap &map, uint64_t pa) {
    unsigned count = 0;
    const uint32_t *a = map.aliases(pa, count);
    std::vector<uint32_t> out(a, a + count);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(TranslationMap, AFrameReachedByOnePageNamesIt) {
    TranslationMap map(kRam);
    EXPECT_TRUE(aliases_of(map, 0x5123).empty());
    map.on_fill(0xC0005000, 0x5000);
    EXPECT_EQ(aliases_of(map, 0x5123), std::vector<uint32_t>{0xC0005000});
}

TEST(TranslationMap, AFrameMappedTwiceNamesBothAndLosesOneAtItsInvlpg) {
    TranslationMap map(kRam);
    map.on_fill(0xC0005000, 0x5000);
    map.on_fill(0xF8001000, 0x5000);
    EXPECT_EQ(aliases_of(map, 0x5000), (std::vector<uint32_t>{0xC0005000, 0xF8001000}));
    map.on_invlpg(0xC0005000);
    EXPECT_EQ(aliases_of(map, 0x5000), std::vector<uint32_t>{0xF8001000});
}

TEST(TranslationMap, APageFilledWithAnotherFrameLeavesTheOldOne) {
    TranslationMap map(kRam);
    map.on_fill(0x08048000, 0x5000);
    map.on_fill(0x08048000, 0x6000);
    EXPECT_TRUE(aliases_of(map, 0x5000).empty());
    EXPECT_EQ(aliases_of(map, 0x6000), std::vector<uint32_t>{0x08048000});
}

TEST(TranslationMap, InvlpgInAnyOrderKeepsTheOthers) {
    TranslationMap map(kRam);
    for (uint32_t i = 0; i < 8; ++i)
        map.on_fill(0xC0000000 + i * 0x1000, 0x100000 + i * 0x1000);
    // First, middle and last of the list the map keeps, and a page it never had.
    for (uint32_t i : {0u, 4u, 7u})
        map.on_invlpg(0xC0000000 + i * 0x1000);
    map.on_invlpg(0xD0000000);
    for (uint32_t i = 0; i < 8; ++i) {
        bool dropped = i == 0 || i == 4 || i == 7;
        EXPECT_EQ(aliases_of(map, 0x100000 + i * 0x1000).size(), dropped ? 0u : 1u) << i;
    }
    // A page filled again after its invlpg is known again, once.
    map.on_fill(0xC0004000, 0x104000);
    map.on_fill(0xC0004000, 0x104000);
    EXPECT_EQ(aliases_of(map, 0x104000), std::vector<uint32_t>{0xC0004000});
}

TEST(TranslationMap, AFlushForgetsEveryPageAndFramesBeyondRam) {
    TranslationMap map(kRam);
    map.on_fill(0xC0005000, 0x5000);
    map.on_fill(0xF8001000, 0x5000);
    map.on_fill(0xFEB00000, 0xFEB00000);   // a device BAR above RAM
    EXPECT_EQ(aliases_of(map, 0xFEB00010), std::vector<uint32_t>{0xFEB00000});
    map.clear();
    EXPECT_TRUE(aliases_of(map, 0x5000).empty());
    EXPECT_TRUE(aliases_of(map, 0xFEB00010).empty());
    map.on_fill(0xC0005000, 0x5000);
    EXPECT_EQ(aliases_of(map, 0x5000), std::vector<uint32_t>{0xC0005000});
}

TEST(TranslationMap, TheTopPageOfTheAddressSpaceIsAPageLikeAnyOther) {
    TranslationMap map(kRam);
    map.on_fill(0xFFFFF000, 0x7000);
    EXPECT_EQ(aliases_of(map, 0x7FFF), std::vector<uint32_t>{0xFFFFF000});
    map.on_invlpg(0xFFFFF000);
    EXPECT_TRUE(aliases_of(map, 0x7FFF).empty());
}

} // namespace
} // namespace ia32emu
