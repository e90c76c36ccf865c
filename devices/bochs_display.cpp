// bochs-display registers, mode decoding and PNG dumps.
#include "devices/bochs_display.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include "devices/abi/qemu_pci_ids.h"

namespace ia32emu {

namespace {
constexpr uint64_t kDispiEnd = BOCHS_DISPI_MMIO_BASE + DISPI_INDEX_COUNT * 2;
constexpr uint32_t kQextRegionSize = 8;
constexpr uint32_t kMinDimension = 64;  // QEMU shows no picture below this

PciIds display_ids() {
    PciIds ids;
    ids.vendor = PCI_VENDOR_QEMU;
    ids.device = BOCHS_DISPLAY_DEVICE_ID;
    ids.class_code = BOCHS_DISPLAY_CLASS;
    ids.revision = 2;  // QEMU: revision 2 announces the extension registers
    ids.subsystem_vendor = PCI_SUBSYSTEM_VENDOR_QEMU;
    ids.subsystem = PCI_SUBSYSTEM_QEMU;
    return ids;
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

// Page-aligned and zero-filled on first touch, so the engine can map it straight into the guest's
// physical address space and a board whose guest never draws pays nothing for it.
BochsDisplay::BochsDisplay() : pci_(display_ids()), vram_(kVramSize) {
    pci_.add_memory_bar(BOCHS_DISPLAY_FB_BAR, BOCHS_DISPLAY_FB_SIZE, true, vram_.data(), kVramSize);
    pci_.add_memory_bar(BOCHS_DISPLAY_MMIO_BAR, BOCHS_DISPLAY_MMIO_SIZE, false, *this);
}

uint16_t BochsDisplay::dispi(unsigned index) const {
    if (index == DISPI_INDEX_ID)
        return DISPI_ID5;
    if (index == DISPI_INDEX_VIDEO_MEMORY_64K)
        return static_cast<uint16_t>(kVramSize / (64 * 1024));
    return index < regs_.size() ? regs_[index] : 0xffff;
}

uint8_t BochsDisplay::dispi_byte(uint64_t offset) const {
    const uint64_t rel = offset - BOCHS_DISPI_MMIO_BASE;
    return static_cast<uint8_t>(dispi(static_cast<unsigned>(rel / 2)) >> ((rel & 1) * 8));
}

void BochsDisplay::write_dispi_byte(uint64_t offset, uint8_t value) {
    const uint64_t rel = offset - BOCHS_DISPI_MMIO_BASE;
    const uint64_t index = rel / 2;
    if (index >= regs_.size())
        return;  // VIDEO_MEMORY_64K is read-only
    const unsigned shift = (rel & 1) * 8;
    regs_[index] = static_cast<uint16_t>((regs_[index] & ~(0xffu << shift)) | (value << shift));
}

uint32_t BochsDisplay::mmio_read(uint64_t offset, unsigned size) {
    if (offset >= BOCHS_QEXT_MMIO_BASE && offset < BOCHS_QEXT_MMIO_BASE + kQextRegionSize) {
        if (size != 4)
            return 0xffffffffu;
        return offset - BOCHS_QEXT_MMIO_BASE == BOCHS_QEXT_SIZE ? kQextRegionSize
             : offset - BOCHS_QEXT_MMIO_BASE == BOCHS_QEXT_BYTEORDER ? BOCHS_QEXT_LITTLE_ENDIAN
                                                                       : 0u;
    }
    uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; ++i) {
        const uint64_t at = offset + i;
        const uint8_t byte = at >= BOCHS_DISPI_MMIO_BASE && at < kDispiEnd ? dispi_byte(at) : 0xff;
        value |= static_cast<uint32_t>(byte) << (i * 8);
    }
    return value;
}

void BochsDisplay::mmio_write(uint64_t offset, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size && i < 4; ++i) {
        const uint64_t at = offset + i;
        if (at >= BOCHS_DISPI_MMIO_BASE && at < kDispiEnd)
            write_dispi_byte(at, static_cast<uint8_t>(value >> (i * 8)));
    }
}

std::optional<BochsDisplay::Mode> BochsDisplay::mode(std::string* why) const {
    auto fail = [&](std::string reason) -> std::optional<Mode> {
        if (why != nullptr)
            *why = std::move(reason);
        return std::nullopt;
    };
    if (!(regs_[DISPI_INDEX_ENABLE] & DISPI_ENABLED))
        return fail("the display is disabled (DISPI ENABLE bit 0 clear)");
    Mode m;
    const uint16_t bpp = regs_[DISPI_INDEX_BPP];
    if (bpp != 16 && bpp != 32)
        return fail("unsupported depth " + std::to_string(bpp) + " bpp (16 or 32 supported)");
    m.bytes_per_pixel = bpp / 8;
    m.width = regs_[DISPI_INDEX_XRES];
    m.height = regs_[DISPI_INDEX_YRES];
    if (m.width < kMinDimension || m.height < kMinDimension)
        return fail("mode " + std::to_string(m.width) + "x" + std::to_string(m.height) +
                    " is below 64x64");
    const uint64_t virt_width = std::max<uint64_t>(regs_[DISPI_INDEX_VIRT_WIDTH], m.width);
    m.stride = virt_width * m.bytes_per_pixel;
    m.offset = regs_[DISPI_INDEX_X_OFFSET] * uint64_t{m.bytes_per_pixel} +
               regs_[DISPI_INDEX_Y_OFFSET] * m.stride;
    if (m.offset + m.stride * m.height > kVramSize)
        return fail("the visible picture runs past the 16 MiB framebuffer");
    return m;
}

bool BochsDisplay::write_png(const std::string& path, std::string& error) const {
    std::string why;
    const std::optional<Mode> m = mode(&why);
    if (!m) {
        error = "cannot dump the framebuffer: " + why;
        return false;
    }
    std::vector<uint8_t> rgb(uint64_t{m->width} * m->height * 3);
    for (uint32_t y = 0; y < m->height; ++y) {
        const uint8_t* row = vram_.data() + m->offset + y * m->stride;
        uint8_t* out = rgb.data() + uint64_t{y} * m->width * 3;
        for (uint32_t x = 0; x < m->width; ++x, out += 3) {
            if (m->bytes_per_pixel == 4) {
                const uint8_t* p = row + x * 4;  // B, G, R, X
                out[0] = p[2];
                out[1] = p[1];
                out[2] = p[0];
            } else {
                // r5g6b5, widened by replicating the top bits as display scalers do.
                const unsigned v = row[x * 2] | row[x * 2 + 1] << 8;
                const unsigned r = v >> 11, g = (v >> 5) & 0x3f, b = v & 0x1f;
                out[0] = static_cast<uint8_t>(r << 3 | r >> 2);
                out[1] = static_cast<uint8_t>(g << 2 | g >> 4);
                out[2] = static_cast<uint8_t>(b << 3 | b >> 2);
            }
        }
    }

    const std::string temp = path + ".tmp";
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temp.c_str(), "wb"));
    if (!file) {
        error = "cannot write " + temp + ": " + std::strerror(errno);
        return false;
    }
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = m->width;
    image.height = m->height;
    image.format = PNG_FORMAT_RGB;
    const bool encoded = png_image_write_to_stdio(&image, file.get(), 0, rgb.data(), 0, nullptr);
    const std::string png_message = image.message;
    png_image_free(&image);
    const bool flushed = std::fflush(file.get()) == 0;
    const int flush_errno = errno;
    file.reset();
    if (!encoded || !flushed) {
        std::remove(temp.c_str());
        error = "cannot write " + temp + ": " + (encoded ? std::strerror(flush_errno) : png_message);
        return false;
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + temp + " to " + path + ": " + std::strerror(errno);
        std::remove(temp.c_str());
        return false;
    }
    return true;
}

}  // namespace ia32emu
