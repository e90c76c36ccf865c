// VGA text mode: the 0xB8000 text buffer (RAM-like, mapped by the engine as host memory) and the
// CRT controller registers a kernel uses to move or hide the cursor and to scroll by page.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "devices/abi/vga.h"
#include "emu/board/host_memory.h"
#include "emu/board/port_bus.h"

namespace ia32emu {

// Attach at 0x3C0 with a count of 0x20. The CRTC index (0x3D4) selects one of 25 registers, the
// data port (0x3D5) reads or writes it; a 16-bit write to 0x3D4 sets index and data at once, as
// on hardware. The registers start with mode 3's values (the ones SeaBIOS programs), so a kernel
// that reads the cursor shape before changing it sees what it would under QEMU. Input status
// (0x3DA) alternates its retrace bits on each read, so polling loops for vertical retrace end
// deterministically. The misc output register reads 0x67 (colour, CRTC at 0x3Dx). Graphics,
// sequencer and attribute registers are not modelled: writes are ignored, reads give all ones.
class VgaText : public PortDevice {
public:
    VgaText();

    uint8_t *text_buffer() { return memory_.data(); }
    const uint8_t *text_buffer() const { return memory_.data(); }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, unsigned size, uint32_t value) override;

    uint8_t crtc(unsigned index) const { return crtc_.at(index); }
    // In characters from the start of the buffer.
    uint16_t cursor() const;
    uint16_t start_address() const;
    bool cursor_visible() const;

    // The visible 80x25 page as UTF-8 text (code page 437 glyphs), one line per row, trailing
    // blanks removed; a NUL character shows as a blank, as on the screen.
    std::string screen_text() const;
    // Writes screen_text() to `path`; false with a one-line `error` when the file cannot be written.
    bool write_text(const std::string &path, std::string &error) const;

private:
    static constexpr unsigned kCrtcRegisters = 0x19;
    HostMemory memory_;
    std::array<uint8_t, kCrtcRegisters> crtc_{};
    uint8_t index_ = 0;
    uint8_t status_ = 0;
};

} // namespace ia32emu
