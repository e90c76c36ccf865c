// QEMU's bochs-display: a PCI framebuffer (BAR0) with the DISPI registers in a BAR2 MMIO window.
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "devices/abi/bochs_dispi.h"
#include "emu/board/host_memory.h"
#include "emu/board/mmio_device.h"
#include "emu/board/pci_function.h"

namespace ia32emu {

// Register-compatible with QEMU 7.2's bochs-display (devices/abi/bochs_dispi.h): 1234:1111,
// class 0x0380, revision 2; BAR0 16 MiB prefetchable, backed by host memory the engine maps
// directly; BAR2 4 KiB: DISPI registers at 0x500 + index * 2 (16-bit, any access of 1..4 bytes
// reads or writes the bytes it covers), QEMU's extension registers at 0x600 (32-bit only).
// As on QEMU, ID always reads 0xB0C5, VIDEO_MEMORY_64K reads the framebuffer size / 64 KiB, and
// the other registers store what is written without validation. Differences: no EDID blob at
// 0x000 (reads all ones, like every other unmodelled byte of BAR2) and no big-endian framebuffer
// (writes to the byte-order register are ignored).
class BochsDisplay : public MmioDevice {
public:
    // The visible picture QEMU would show for the current registers.
    struct Mode {
        uint32_t width = 0;
        uint32_t height = 0;
        uint32_t bytes_per_pixel = 0;
        uint64_t stride = 0;
        uint64_t offset = 0;
    };

    BochsDisplay();

    PciFunction& pci() { return pci_; }
    uint8_t* framebuffer() { return vram_.data(); }
    const uint8_t* framebuffer() const { return vram_.data(); }
    static constexpr uint64_t framebuffer_size() { return kVramSize; }
    uint16_t dispi(unsigned index) const;

    uint32_t mmio_read(uint64_t offset, unsigned size) override;
    void mmio_write(uint64_t offset, unsigned size, uint32_t value) override;

    // QEMU's rule: enabled, 16 or 32 bpp, at least 64x64, and inside the framebuffer. When there
    // is no valid mode, `why` (if given) says what is wrong in one line.
    std::optional<Mode> mode(std::string* why = nullptr) const;

    // Writes the visible picture as an 8-bit RGB PNG, atomically (a temporary file next to `path`
    // renamed over it). Returns false with a one-line `error` when there is no valid mode or the
    // file cannot be written; `path` is then untouched.
    bool write_png(const std::string& path, std::string& error) const;

private:
    static constexpr uint64_t kVramSize = 16u << 20;
    uint8_t dispi_byte(uint64_t offset) const;
    void write_dispi_byte(uint64_t offset, uint8_t value);

    PciFunction pci_;
    HostMemory vram_;
    std::array<uint16_t, DISPI_INDEX_VIDEO_MEMORY_64K> regs_{};  // the writable registers
};

}  // namespace ia32emu
