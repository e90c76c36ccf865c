// Visible fragments: each BAR's range minus the ranges of every BAR decoded after it.
#include "emu/board/bar_layout.h"

#include <algorithm>

namespace ia32emu {

void BarLayout::decode(const PciFunction *fn, unsigned index, uint64_t base, uint64_t size) {
    release(fn, index);
    decoded_.push_back({fn, index, base, size});
}

void BarLayout::release(const PciFunction *fn, unsigned index) {
    std::erase_if(decoded_, [&](const Decoded &d) { return d.fn == fn && d.index == index; });
}

std::vector<BarFragment> BarLayout::visible() const {
    std::vector<BarFragment> out;
    for (size_t i = 0; i < decoded_.size(); ++i) {
        const Decoded &bar = decoded_[i];
        struct Range {
            uint64_t start, end;
        };
        std::vector<Range> pieces{{bar.base, bar.base + bar.size}};
        for (size_t j = i + 1; j < decoded_.size(); ++j) {
            const uint64_t cover_start = decoded_[j].base, cover_end = decoded_[j].base + decoded_[j].size;
            std::vector<Range> left;
            for (const Range &p : pieces) {
                if (cover_end <= p.start || p.end <= cover_start) {
                    left.push_back(p);
                    continue;
                }
                if (p.start < cover_start)
                    left.push_back({p.start, cover_start});
                if (cover_end < p.end)
                    left.push_back({cover_end, p.end});
            }
            pieces = std::move(left);
        }
        for (const Range &p : pieces)
            out.push_back({bar.fn, bar.index, p.start, p.end - p.start, p.start - bar.base});
    }
    return out;
}

} // namespace ia32emu
