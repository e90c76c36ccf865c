// VGA text mode through the port bus and the text buffer, as a kernel drives them.
#include "devices/vga_text.h"

#include <gtest/gtest.h>

#include <cstring>

#include "devices/abi/vga.h"

namespace ia32emu {
namespace {

class VgaTextTest : public ::testing::Test {
protected:
    VgaTextTest() { ports_.attach(0x3C0, 0x20, vga_); }
    void put(unsigned cell, char c, uint8_t attr = 0x07) {
        vga_.text_buffer()[cell * 2] = uint8_t(c);
        vga_.text_buffer()[cell * 2 + 1] = attr;
    }
    std::string row(unsigned r) {
        std::string text = vga_.screen_text();
        size_t pos = 0;
        for (unsigned i = 0; i < r; ++i)
            pos = text.find('\n', pos) + 1;
        return text.substr(pos, text.find('\n', pos) - pos);
    }
    PortBus ports_;
    VgaText vga_;
};

TEST_F(VgaTextTest, ScreenStartsBlankInLightGreyLikeAfterABiosModeSet) {
    EXPECT_EQ(vga_.text_buffer()[0], ' ');
    EXPECT_EQ(vga_.text_buffer()[1], 0x07);
    EXPECT_EQ(vga_.text_buffer()[VGA_TEXT_SIZE - 1], 0x07);
    EXPECT_EQ(vga_.screen_text(), std::string(25, '\n'));
}

TEST_F(VgaTextTest, CursorMovesThroughIndexAndDataPorts) {
    ports_.write(VGA_CRTC_INDEX, 1, VGA_CRTC_CURSOR_LOW);
    ports_.write(VGA_CRTC_DATA, 1, 0x99);
    ports_.write(VGA_CRTC_INDEX, 1, VGA_CRTC_CURSOR_HIGH);
    ports_.write(VGA_CRTC_DATA, 1, 0x07);
    EXPECT_EQ(vga_.cursor(), 0x799);
    EXPECT_EQ(ports_.read(VGA_CRTC_DATA, 1), 0x07u);
    EXPECT_EQ(ports_.read(VGA_CRTC_INDEX, 1), uint32_t(VGA_CRTC_CURSOR_HIGH));
    // A 16-bit write to the index port sets index and data together.
    ports_.write(VGA_CRTC_INDEX, 2, 0x2000 | VGA_CRTC_CURSOR_START);
    EXPECT_FALSE(vga_.cursor_visible());
    EXPECT_EQ(vga_.crtc(VGA_CRTC_CURSOR_START), 0x20);
}

// Mode 3's cursor shape is what QEMU's standard VGA reads back after SeaBIOS (the parity test
// checks it against QEMU).
TEST_F(VgaTextTest, RegistersStartWithModeThreeValues) {
    EXPECT_EQ(vga_.crtc(VGA_CRTC_CURSOR_START), 0x0d);
    EXPECT_EQ(vga_.crtc(VGA_CRTC_CURSOR_END), 0x0e);
    EXPECT_EQ(vga_.crtc(0x01), 79);   // horizontal display end: 80 columns
    EXPECT_TRUE(vga_.cursor_visible());
    EXPECT_EQ(ports_.read(VGA_MISC_OUTPUT_READ, 1), 0x67u);
    // Past the last CRTC register: reads all ones, writes go nowhere.
    ports_.write(VGA_CRTC_INDEX, 1, 0x40);
    ports_.write(VGA_CRTC_DATA, 1, 0x12);
    EXPECT_EQ(ports_.read(VGA_CRTC_DATA, 1), 0xffu);
}

TEST_F(VgaTextTest, RetraceBitsAlternateSoPollingLoopsEnd) {
    uint32_t a = ports_.read(VGA_INPUT_STATUS_1, 1), b = ports_.read(VGA_INPUT_STATUS_1, 1);
    EXPECT_NE(a & 0x08, b & 0x08);
}

TEST_F(VgaTextTest, ScreenTextFollowsTheStartAddressAndShowsCp437Glyphs) {
    put(0, 'A');
    put(80, 'B');
    put(81, '\x01');        // a smiley in code page 437
    put(82, '\xdb');        // a full block
    put(83, '\0');          // NUL shows blank
    put(84, 'C');
    EXPECT_EQ(row(0), "A");
    EXPECT_EQ(row(1), "B\u263A\u2588 C");
    // Scroll by one row through the start address: row 1 becomes the top line.
    ports_.write(VGA_CRTC_INDEX, 2, (80u << 8) | VGA_CRTC_START_LOW);
    EXPECT_EQ(vga_.start_address(), 80);
    EXPECT_EQ(row(0), "B\u263A\u2588 C");
}

TEST_F(VgaTextTest, PageAtTheEndOfTheWindowWrapsToItsStart) {
    const unsigned cells = VGA_TEXT_SIZE / 2;
    put(0, 'W');
    ports_.write(VGA_CRTC_INDEX, 2, (((cells - 80) & 0xff) << 8) | VGA_CRTC_START_LOW);
    ports_.write(VGA_CRTC_INDEX, 2, (((cells - 80) >> 8) << 8) | VGA_CRTC_START_HIGH);
    EXPECT_EQ(row(1), "W");
}

TEST_F(VgaTextTest, UnwritableDumpIsAnErrorNotACrash) {
    std::string error;
    EXPECT_FALSE(vga_.write_text("/nonexistent-folder/screen.txt", error));
    EXPECT_NE(error.find("/nonexistent-folder/screen.txt"), std::string::npos) << error;
}

} // namespace
} // namespace ia32emu
