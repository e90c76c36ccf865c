// The code-byte map's slow paths: marking a decoded block and testing a write against it.
#include "emu/engine/code_bytes.h"

#include <algorithm>

namespace ia32emu {

CodeBytes::CodeBytes(uint64_t ram_bytes) : frame_count_(ram_bytes / 4096), frames_((frame_count_ + 63) / 64, 0) {}

void CodeBytes::mark(uint64_t pa, uint64_t len) {
    for (uint64_t at = pa, end = pa + len; at < end;) {
        uint64_t pfn = at >> 12;
        uint64_t stop = std::min(end, (pfn + 1) << 12);
        if (pfn < frame_count_) {
            frames_[pfn / 64] |= 1ull << (pfn % 64);
            auto &map = bytes_[pfn];
            if (!map)
                map = std::make_unique<std::bitset<4096>>();
            for (uint64_t b = at & 0xFFF, e = b + (stop - at); b < e; ++b)
                map->set(b);
        }
        at = stop;
    }
}

bool CodeBytes::touched_slow(uint64_t pa, uint64_t len) const {
    for (uint64_t at = pa, end = pa + len; at < end;) {
        uint64_t pfn = at >> 12;
        uint64_t stop = std::min(end, (pfn + 1) << 12);
        if (has_code(pfn)) {
            auto it = bytes_.find(pfn);
            if (it != bytes_.end())
                for (uint64_t b = at & 0xFFF, e = b + (stop - at); b < e; ++b)
                    if (it->second->test(b))
                        return true;
        }
        at = stop;
    }
    return false;
}

bool CodeBytes::forget_frame(uint64_t pfn) {
    if (pfn >= frame_count_)
        return false;
    uint64_t &word = frames_[pfn / 64];
    bool had = (word >> (pfn % 64)) & 1;
    word &= ~(1ull << (pfn % 64));
    bytes_.erase(pfn);
    return had;
}

} // namespace ia32emu
