#include "devices/vga_text.h"

#include <iconv.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ia32emu {
namespace {

// Mode 3's CRTC values, as the IBM VGA reference and SeaBIOS's mode table give them: 80 columns,
// 400 scan lines in 25 rows of 16, cursor on scan lines 13-14.
constexpr std::array<uint8_t, 0x19> kMode3Crtc = {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00,
                                                  0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e,
                                                  0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff};
constexpr uint8_t kMiscOutput = 0x67;
constexpr uint8_t kBlankAttribute = 0x07;   // light grey on black, what a BIOS mode set clears to

// The glyphs code page 437 draws for the control codes; iconv maps those bytes to controls.
constexpr char32_t kControlGlyphs[32] = {
    U' ',      U'\u263A', U'\u263B', U'\u2665', U'\u2666', U'\u2663', U'\u2660', U'\u2022',
    U'\u25D8', U'\u25CB', U'\u25D9', U'\u2642', U'\u2640', U'\u266A', U'\u266B', U'\u263C',
    U'\u25BA', U'\u25C4', U'\u2195', U'\u203C', U'\u00B6', U'\u00A7', U'\u25AC', U'\u21A8',
    U'\u2191', U'\u2193', U'\u2192', U'\u2190', U'\u221F', U'\u2194', U'\u25B2', U'\u25BC'};

std::string utf8(char32_t c) {
    std::string s;
    if (c < 0x80) {
        s += char(c);
    } else if (c < 0x800) {
        s += char(0xC0 | (c >> 6));
        s += char(0x80 | (c & 0x3F));
    } else {
        s += char(0xE0 | (c >> 12));
        s += char(0x80 | ((c >> 6) & 0x3F));
        s += char(0x80 | (c & 0x3F));
    }
    return s;
}

// Each byte of code page 437 as UTF-8; the upper half from the C library's CP437 converter.
const std::array<std::string, 256> &cp437() {
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        for (unsigned b = 0; b < 0x80; ++b)
            t[b] = b < 0x20 ? utf8(kControlGlyphs[b]) : std::string(1, char(b));
        t[0x7F] = utf8(U'\u2302');
        iconv_t cd = iconv_open("UTF-8", "CP437");
        for (unsigned b = 0x80; b < 0x100; ++b) {
            char in = char(b), out[8];
            char *ip = &in, *op = out;
            size_t il = 1, ol = sizeof out;
            if (cd != iconv_t(-1) && iconv(cd, &ip, &il, &op, &ol) != size_t(-1))
                t[b].assign(out, op);
            else
                t[b] = "?";
        }
        if (cd != iconv_t(-1))
            iconv_close(cd);
        return t;
    }();
    return table;
}

} // namespace

VgaText::VgaText() : memory_(VGA_TEXT_SIZE), crtc_(kMode3Crtc) {
    for (uint32_t i = 0; i < VGA_TEXT_SIZE; i += 2) {
        memory_.data()[i] = ' ';
        memory_.data()[i + 1] = kBlankAttribute;
    }
}

uint32_t VgaText::io_read(uint16_t port, unsigned size) {
    if (size != 1)
        return all_ones(size);
    switch (port) {
    case VGA_MISC_OUTPUT_READ:
        return kMiscOutput;
    case VGA_CRTC_INDEX:
        return index_;
    case VGA_CRTC_DATA:
        return index_ < kCrtcRegisters ? crtc_[index_] : 0xff;
    case VGA_INPUT_STATUS_1:
        // Display-enable (bit 0) and vertical retrace (bit 3) flip on every read.
        status_ ^= 0x09;
        return status_;
    default:
        return 0xff;
    }
}

void VgaText::io_write(uint16_t port, unsigned size, uint32_t value) {
    if (port == VGA_CRTC_INDEX && size == 2) {
        io_write(VGA_CRTC_INDEX, 1, value & 0xff);
        io_write(VGA_CRTC_DATA, 1, (value >> 8) & 0xff);
        return;
    }
    if (size != 1)
        return;
    if (port == VGA_CRTC_INDEX)
        index_ = uint8_t(value);
    else if (port == VGA_CRTC_DATA && index_ < kCrtcRegisters)
        crtc_[index_] = uint8_t(value);
}

uint16_t VgaText::cursor() const { return uint16_t(crtc_[VGA_CRTC_CURSOR_HIGH] << 8 | crtc_[VGA_CRTC_CURSOR_LOW]); }

uint16_t VgaText::start_address() const { return uint16_t(crtc_[VGA_CRTC_START_HIGH] << 8 | crtc_[VGA_CRTC_START_LOW]); }

bool VgaText::cursor_visible() const { return !(crtc_[VGA_CRTC_CURSOR_START] & 0x20); }

std::string VgaText::screen_text() const {
    const auto &glyphs = cp437();
    std::string text;
    for (unsigned row = 0; row < VGA_TEXT_ROWS; ++row) {
        std::string line;
        for (unsigned col = 0; col < VGA_TEXT_COLUMNS; ++col) {
            // The page wraps inside the 32 KiB window, as the CRTC's address counter does.
            uint32_t cell = (start_address() + row * VGA_TEXT_COLUMNS + col) * 2u % VGA_TEXT_SIZE;
            line += glyphs[memory_.data()[cell]];
        }
        line.erase(line.find_last_not_of(' ') + 1);
        text += line + "\n";
    }
    return text;
}

bool VgaText::write_text(const std::string &path, std::string &error) const {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << screen_text();
        if (!out.flush()) {
            error = "cannot write '" + path + "'";
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        error = "cannot write '" + path + "': " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

} // namespace ia32emu
