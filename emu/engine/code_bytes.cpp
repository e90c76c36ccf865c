// The code-byte map's slow paths: marking a decoded block and testing a write against it.
#include "emu/engine/code_bytes.h"

namespace ia32emu {

CodeBytes::CodeBytes(uint64_t ram_bytes) : frame_count_(ram_bytes / 4096), frames_((frame_count_ + 63) / 64, 0) {}

void CodeBytes::mark(uint64_t pa, uint64_t len) {
    each_frame(pa, len, [this](uint64_t pfn, uint64_t from, uint64_t to) {
        if (pfn < frame_count_) {
            frames_[pfn / 64] |= 1ull << (pfn % 64);
            std::bitset<4096> &map = bytes_[pfn];
            for (uint64_t b = from; b < to; ++b)
                map.set(b);
        }
        return false;
    });
}

bool CodeBytes::touched_slow(uint64_t pa, uint64_t len) const {
    return each_frame(pa, len, [this](uint64_t pfn, uint64_t from, uint64_t to) {
        if (!has_code(pfn))
            return false;
        const std::bitset<4096> &map = bytes_.at(pfn);
        for (uint64_t b = from; b < to; ++b)
            if (map.test(b))
                return true;
        return false;
    });
}

bool CodeBytes::forget_frame(uint64_t pfn) {
    if (pfn >= frame_count_)
        return false;
    const bool had = has_code(pfn);
    frames_[pfn / 64] &= ~(1ull << (pfn % 64));
    bytes_.erase(pfn);
    return had;
}

} // namespace ia32emu
