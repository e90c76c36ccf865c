// Which virtual pages the engine may currently translate to each physical frame. Unicorn's memory
// hooks report physical addresses only; the TLB model needs the virtual one, and a frame mapped
// twice (the direct map and a vmalloc alias) must be charged to the alias the access used.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ia32emu {

class TranslationMap {
public:
    explicit TranslationMap(uint64_t ram_bytes);

    // The engine handed out va_page -> pa_page; a previous frame of va_page loses it.
    void on_fill(uint32_t va_page, uint64_t pa_page);
    // The engine dropped one page (invlpg) or everything (CR3, CR0.PG, CR4 paging bits).
    void on_invlpg(uint32_t va_page);
    void clear();

    // The virtual pages that may reach the frame of `pa`; usually exactly one.
    const uint32_t *aliases(uint64_t pa, unsigned &count) const {
        uint64_t pfn = pa >> 12;
        if (pfn < single_.size()) {
            uint32_t v = single_[pfn];
            if (v != kMany) {
                count = v == kNone ? 0 : 1;
                return &single_[pfn];
            }
        }
        return aliases_slow(pfn, count);
    }

private:
    static constexpr uint32_t kNone = 1;   // page addresses have clear low bits, so these are free
    static constexpr uint32_t kMany = 2;

    const uint32_t *aliases_slow(uint64_t pfn, unsigned &count) const;
    void add(uint64_t pfn, uint32_t va_page);
    void remove(uint64_t pfn, uint32_t va_page);

    struct Filled {
        uint32_t va_page;
        uint64_t pfn;
    };
    // Where va_page's translation sits in filled_, or null. Every virtual page has a slot (4 MiB
    // of host memory, touched only where the guest maps): a fill, the commonest call after a
    // flush, then costs no hashing or node allocation.
    Filled *filled_at(uint32_t va_page) {
        uint32_t i = slot_of_va_[va_page >> 12];
        return i < filled_.size() && filled_[i].va_page == va_page ? &filled_[i] : nullptr;
    }

    std::vector<uint32_t> single_;                                // per RAM frame: the alias, kNone or kMany
    std::unordered_map<uint64_t, std::vector<uint32_t>> many_;    // frames with several aliases, and non-RAM frames
    std::vector<Filled> filled_;                                  // the translations handed out, in no order
    std::vector<uint32_t> slot_of_va_;                            // per virtual page: its index in filled_, if any
};

} // namespace ia32emu
