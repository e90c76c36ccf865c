// Which bytes of guest RAM hold code the engine has decoded, so that a write there (the CPU's own,
// as Linux's alternatives and text_poke do, or a device's) makes the engine decode that code again.
// A frame bit answers the common case (a write to a frame with no decoded code) in one test; a
// per-frame byte map keeps data that shares a page with code (small kernels, stacks next to
// text) from invalidating anything, as QEMU's per-page code bitmap does.
#pragma once

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ia32emu {

class CodeBytes {
public:
    explicit CodeBytes(uint64_t ram_bytes);

    // Bytes [pa, pa + len) hold decoded code; the range may cross into the next frame.
    void mark(uint64_t pa, uint64_t len);
    // Whether a write to [pa, pa + len) touches decoded code. Inline: it runs on every write.
    bool touched_by(uint64_t pa, uint64_t len) const {
        uint64_t first = pa >> 12, last = (pa + len - 1) >> 12;
        if (!has_code(first) && (last == first || !has_code(last)))
            return false;
        return touched_slow(pa, len);
    }
    // Forgets the frame's code (it is decoded again when it runs); whether it had any.
    bool forget_frame(uint64_t pfn);

private:
    bool has_code(uint64_t pfn) const { return pfn < frame_count_ && ((frames_[pfn / 64] >> (pfn % 64)) & 1); }
    bool touched_slow(uint64_t pa, uint64_t len) const;
    // Calls fn(pfn, first byte, end byte) for each frame's part of [pa, pa + len); stops when fn
    // returns true, and says whether one did.
    template <typename Fn> static bool each_frame(uint64_t pa, uint64_t len, Fn fn) {
        for (uint64_t at = pa, end = pa + len; at < end;) {
            const uint64_t pfn = at >> 12, stop = std::min(end, (pfn + 1) << 12);
            if (fn(pfn, at & 0xFFF, (at & 0xFFF) + (stop - at)))
                return true;
            at = stop;
        }
        return false;
    }

    uint64_t frame_count_;
    std::vector<uint64_t> frames_;
    std::unordered_map<uint64_t, std::bitset<4096>> bytes_;   // per code frame, one bit a byte
};

} // namespace ia32emu
