// bochs-display: DISPI registers as QEMU exposes them, PCI layout, and PNG dumps read back.
#include "devices/bochs_display.h"

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "devices/abi/bochs_dispi.h"
#include "devices/abi/pci.h"

namespace ia32emu {
namespace {

class BochsTest : public ::testing::Test {
protected:
    void set(unsigned index, uint16_t v) { fb.mmio_write(BOCHS_DISPI_REG(index), 2, v); }
    uint32_t get(unsigned index) { return fb.mmio_read(BOCHS_DISPI_REG(index), 2); }
    void set_mode(uint16_t w, uint16_t h, uint16_t bpp) {
        set(DISPI_INDEX_ENABLE, 0);
        set(DISPI_INDEX_XRES, w);
        set(DISPI_INDEX_YRES, h);
        set(DISPI_INDEX_BPP, bpp);
        set(DISPI_INDEX_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
    }
    std::filesystem::path temp(const char* name) {
        auto dir = std::filesystem::temp_directory_path() / ("ia32emu-bochs-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        return dir / name;
    }
    void TearDown() override {
        std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("ia32emu-bochs-" + std::to_string(getpid())));
    }

    BochsDisplay fb;
};

TEST_F(BochsTest, PciIdentityAndBars) {
    EXPECT_EQ(fb.pci().config_read(0, 4), 0x11111234u);
    EXPECT_EQ(fb.pci().config_read(PCI_REVISION_ID, 4), 0x03800002u);
    fb.pci().config_write(PCI_BAR0, 4, 0xffffffff);
    EXPECT_EQ(fb.pci().config_read(PCI_BAR0, 4), 0xff000008u);
    fb.pci().config_write(PCI_BAR0 + 8, 4, 0xffffffff);
    EXPECT_EQ(fb.pci().config_read(PCI_BAR0 + 8, 4), 0xfffff000u);
    EXPECT_EQ(fb.pci().bar(0)->host, fb.framebuffer());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(fb.framebuffer()) % 4096, 0u);
    EXPECT_EQ(fb.pci().bar(2)->mmio, &fb);
}

TEST_F(BochsTest, DispiRegistersReadAsQemu) {
    EXPECT_EQ(get(DISPI_INDEX_ID), 0xb0c5u);
    set(DISPI_INDEX_ID, 0xb0c0);  // drivers write an ID to negotiate; it still reads 0xB0C5
    EXPECT_EQ(get(DISPI_INDEX_ID), 0xb0c5u);
    EXPECT_EQ(get(DISPI_INDEX_VIDEO_MEMORY_64K), 256u);
    set(DISPI_INDEX_VIDEO_MEMORY_64K, 1);
    EXPECT_EQ(get(DISPI_INDEX_VIDEO_MEMORY_64K), 256u);
    for (unsigned i = DISPI_INDEX_XRES; i <= DISPI_INDEX_Y_OFFSET; ++i) {
        set(i, static_cast<uint16_t>(0x100 + i));
        EXPECT_EQ(get(i), 0x100u + i) << "index " << i;
    }
    EXPECT_EQ(fb.mmio_read(BOCHS_DISPI_REG(DISPI_INDEX_XRES), 4), 0x01020101u);  // two registers
    EXPECT_EQ(fb.mmio_read(BOCHS_DISPI_REG(DISPI_INDEX_ID) + 1, 1), 0xb0u);
    fb.mmio_write(BOCHS_DISPI_REG(DISPI_INDEX_BPP), 1, 0x20);
    EXPECT_EQ(get(DISPI_INDEX_BPP), 0x0120u);
    EXPECT_EQ(fb.mmio_read(BOCHS_QEXT_MMIO_BASE + BOCHS_QEXT_SIZE, 4), 8u);
    EXPECT_EQ(fb.mmio_read(BOCHS_QEXT_MMIO_BASE + BOCHS_QEXT_BYTEORDER, 4), BOCHS_QEXT_LITTLE_ENDIAN);
    EXPECT_EQ(fb.mmio_read(0x100, 4), 0xffffffffu);
    EXPECT_EQ(fb.mmio_read(0x516, 2), 0xffffu);
}

TEST_F(BochsTest, ModeFollowsQemuValidity) {
    std::string why;
    EXPECT_FALSE(fb.mode(&why).has_value());
    EXPECT_NE(why.find("disabled"), std::string::npos);
    set_mode(640, 480, 24);
    EXPECT_FALSE(fb.mode().has_value());
    set_mode(32, 480, 32);
    EXPECT_FALSE(fb.mode().has_value());
    set_mode(640, 480, 32);
    ASSERT_TRUE(fb.mode().has_value());
    EXPECT_EQ(fb.mode()->stride, 640u * 4);
    set(DISPI_INDEX_VIRT_WIDTH, 1024);
    set(DISPI_INDEX_Y_OFFSET, 2);
    EXPECT_EQ(fb.mode()->stride, 4096u);
    EXPECT_EQ(fb.mode()->offset, 8192u);
    set(DISPI_INDEX_Y_OFFSET, 4000);  // past 16 MiB
    EXPECT_FALSE(fb.mode().has_value());
}

std::vector<uint8_t> read_png(const std::string& path, uint32_t& w, uint32_t& h) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str()))
        return {};
    image.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr))
        return {};
    w = image.width;
    h = image.height;
    return pixels;
}

TEST_F(BochsTest, PngHoldsTheVisiblePictureInRgb) {
    set_mode(640, 480, 32);
    set(DISPI_INDEX_VIRT_WIDTH, 800);
    set(DISPI_INDEX_X_OFFSET, 3);
    set(DISPI_INDEX_Y_OFFSET, 1);
    const auto mode = fb.mode();
    ASSERT_TRUE(mode.has_value());
    for (uint32_t y = 0; y < 481; ++y)
        for (uint32_t x = 0; x < 800; ++x) {
            uint8_t* p = fb.framebuffer() + y * 800 * 4 + x * 4;
            p[0] = static_cast<uint8_t>(x);      // B
            p[1] = static_cast<uint8_t>(y);      // G
            p[2] = static_cast<uint8_t>(x ^ y);  // R
            p[3] = 0x99;                         // X is ignored
        }
    const auto path = temp("shot.png");
    std::string error;
    ASSERT_TRUE(fb.write_png(path.string(), error)) << error;
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    uint32_t w = 0, h = 0;
    const auto pixels = read_png(path.string(), w, h);
    ASSERT_EQ(w, 640u);
    ASSERT_EQ(h, 480u);
    for (uint32_t y = 0; y < h; ++y)
        for (uint32_t x = 0; x < w; ++x) {
            const uint32_t fx = x + 3, fy = y + 1;
            const uint8_t* px = &pixels[(y * w + x) * 3];
            ASSERT_EQ(px[0], static_cast<uint8_t>(fx ^ fy)) << x << "," << y;
            ASSERT_EQ(px[1], static_cast<uint8_t>(fy)) << x << "," << y;
            ASSERT_EQ(px[2], static_cast<uint8_t>(fx)) << x << "," << y;
        }
}

TEST_F(BochsTest, PngFailsClearlyWhenDisabledOrUnwritable) {
    const auto path = temp("none.png");
    std::string error;
    EXPECT_FALSE(fb.write_png(path.string(), error));
    EXPECT_NE(error.find("disabled"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(path));
    set_mode(64, 64, 32);
    error.clear();
    EXPECT_FALSE(fb.write_png("/nonexistent-dir/x.png", error));
    EXPECT_NE(error.find("/nonexistent-dir/x.png"), std::string::npos);
}

TEST_F(BochsTest, SixteenBitModeWidensChannels) {
    set_mode(64, 64, 16);
    fb.framebuffer()[0] = 0x1f;  // pure blue, r5g6b5 little-endian
    fb.framebuffer()[1] = 0x00;
    fb.framebuffer()[2] = 0x00;  // pure red
    fb.framebuffer()[3] = 0xf8;
    const auto path = temp("rgb565.png");
    std::string error;
    ASSERT_TRUE(fb.write_png(path.string(), error)) << error;
    uint32_t w = 0, h = 0;
    const auto pixels = read_png(path.string(), w, h);
    ASSERT_EQ(pixels.size(), 64u * 64 * 3);
    EXPECT_EQ(pixels[0], 0);
    EXPECT_EQ(pixels[2], 255);
    EXPECT_EQ(pixels[3], 255);
    EXPECT_EQ(pixels[5], 0);
}

}  // namespace
}  // namespace ia32emu
