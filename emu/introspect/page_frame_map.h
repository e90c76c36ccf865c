// How the guest's struct page pointers map to frame numbers, for allocators that return pages
// rather than addresses (alloc_pages). The array's base comes from the kernel's `mem_map`
// variable; the size of one entry is learnt from calls that reveal both a page and its frame (a
// kmalloc or __get_free_pages that took a page from alloc_pages returns an address inside it).
// Two calls must agree before the size is believed, since a slab object may lie in a later page.
#pragma once

#include <cstdint>
#include <optional>

#include "emu/introspect/guest_memory.h"

namespace ia32emu {

class PageFrameMap {
public:
    PageFrameMap(const GuestMemory &memory, std::optional<uint32_t> mem_map_variable)
        : memory_(memory), mem_map_variable_(mem_map_variable) {}

    // `page` is probably the struct page of the frame that holds direct-map address `va`.
    void learn(uint32_t page, uint32_t va);
    // `page` is certainly the struct page of frame `pfn` (a DMA API said so: a scatterlist entry
    // carries both), so one call suffices.
    void learn_exact(uint32_t page, uint64_t pfn);
    std::optional<uint64_t> pfn(uint32_t page) const;
    bool ready() const { return entry_size_ != 0; }

private:
    const GuestMemory &memory_;
    std::optional<uint32_t> mem_map_variable_;
    uint32_t entry_size_ = 0;
    uint32_t candidate_ = 0;
};

} // namespace ia32emu
