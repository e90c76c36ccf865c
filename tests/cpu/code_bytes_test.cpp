// The code-byte map decides when a guest write must make the engine decode code again: a write
// to code must, a write to data beside it on the same page must not.
#include <gtest/gtest.h>

#include "emu/engine/code_bytes.h"

namespace ia32emu {
namespace {

TEST(CodeBytes, WriteToDecodedBytesIsSeenAndToDataBesideThemIsNot) {
    CodeBytes code(4u << 20);
    code.mark(0x1000 + 0x100, 0x20);   // a 32-byte block at 0x1100
    EXPECT_TRUE(code.touched_by(0x1100, 1));
    EXPECT_TRUE(code.touched_by(0x111f, 4));
    EXPECT_TRUE(code.touched_by(0x10fe, 4));   // straddles its first byte
    EXPECT_FALSE(code.touched_by(0x1120, 4));  // a variable right after the code
    EXPECT_FALSE(code.touched_by(0x10fc, 4));
    EXPECT_FALSE(code.touched_by(0x2100, 4));  // another frame
}

TEST(CodeBytes, BlockAcrossAFrameBoundaryIsSeenInBothFrames) {
    CodeBytes code(4u << 20);
    code.mark(0x3ff0, 0x20);
    EXPECT_TRUE(code.touched_by(0x3ff8, 1));
    EXPECT_TRUE(code.touched_by(0x4008, 1));
    EXPECT_FALSE(code.touched_by(0x4010, 1));
    // A write straddling two frames, of which only the second holds code.
    CodeBytes other(4u << 20);
    other.mark(0x6000, 4);
    EXPECT_TRUE(other.touched_by(0x5ffe, 4));
}

TEST(CodeBytes, ForgottenFrameNoLongerCountsAsCode) {
    CodeBytes code(4u << 20);
    code.mark(0x5000, 16);
    EXPECT_TRUE(code.forget_frame(5));
    EXPECT_FALSE(code.touched_by(0x5000, 4));
    EXPECT_FALSE(code.forget_frame(5));
    // Past the end of RAM nothing is code and nothing breaks.
    code.mark((4u << 20) - 8, 64);
    EXPECT_TRUE(code.touched_by((4u << 20) - 4, 4));
    EXPECT_FALSE(code.touched_by(4u << 20, 4));
}

} // namespace
} // namespace ia32emu
