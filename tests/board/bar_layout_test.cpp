// Overlapping memory BARs: the BAR decoded last covers the overlap, the other shows around it.
#include <gtest/gtest.h>

#include "emu/board/bar_layout.h"

namespace ia32emu {
namespace {

const PciFunction *const kFb = reinterpret_cast<const PciFunction *>(0x1000);
const PciFunction *const kEdu = reinterpret_cast<const PciFunction *>(0x2000);

TEST(BarLayout, DisjointBarsAreVisibleWhole) {
    BarLayout layout;
    layout.decode(kFb, 0, 0xfd000000, 0x1000000);
    layout.decode(kEdu, 0, 0xfe000000, 0x100000);
    std::vector<BarFragment> want{{kFb, 0, 0xfd000000, 0x1000000, 0}, {kEdu, 0, 0xfe000000, 0x100000, 0}};
    EXPECT_EQ(layout.visible(), want);
}

TEST(BarLayout, TheBarDecodedLastCoversTheOverlap) {
    BarLayout layout;
    layout.decode(kFb, 0, 0xfd000000, 0x1000000);
    layout.decode(kEdu, 0, 0xfd400000, 0x100000);
    std::vector<BarFragment> want{{kFb, 0, 0xfd000000, 0x400000, 0},
                                  {kFb, 0, 0xfd500000, 0xb00000, 0x500000},
                                  {kEdu, 0, 0xfd400000, 0x100000, 0}};
    EXPECT_EQ(layout.visible(), want);
}

TEST(BarLayout, ABarMovedAwayUncoversTheOneBeneath) {
    BarLayout layout;
    layout.decode(kFb, 0, 0xfd000000, 0x1000000);
    layout.decode(kEdu, 0, 0xfd000000, 0x100000);
    layout.decode(kEdu, 0, 0xfe000000, 0x100000);
    std::vector<BarFragment> want{{kFb, 0, 0xfd000000, 0x1000000, 0}, {kEdu, 0, 0xfe000000, 0x100000, 0}};
    EXPECT_EQ(layout.visible(), want);
    layout.release(kEdu, 0);
    EXPECT_EQ(layout.visible().size(), 1u);
}

TEST(BarLayout, ReprogrammingABarRaisesItAboveTheOthers) {
    BarLayout layout;
    layout.decode(kEdu, 0, 0xfd000000, 0x100000);
    layout.decode(kFb, 0, 0xfd000000, 0x1000000);   // covers edu entirely
    std::vector<BarFragment> want{{kFb, 0, 0xfd000000, 0x1000000, 0}};
    EXPECT_EQ(layout.visible(), want);
}

} // namespace
} // namespace ia32emu
