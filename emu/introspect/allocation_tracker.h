// The owner of every frame the guest's allocators hand out, learnt by intercepting them: which
// allocation (numbered as the host learns of it), by which function, for which caller, mapped where.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "emu/introspect/frame_index.h"
#include "emu/introspect/guest_memory.h"

namespace ia32emu {

struct Allocation {
    uint64_t id = 0;
    std::string function;   // kmalloc, vmalloc, __get_free_pages, alloc_pages, ...
    uint32_t caller = 0;    // return address of the allocator call
    uint32_t va = 0;        // 0 for pages handed out as struct page (they may have no mapping)
    uint32_t size = 0;
    std::vector<PhysExtent> extents;
    bool is_vmalloc_area() const { return function == "vmalloc" || function == "vmalloc_32"; }
    bool contains(uint64_t pa) const {
        for (const PhysExtent &e : extents)
            if (pa >= e.pa && pa - e.pa < e.len)
                return true;
        return false;
    }
};

class AllocationTracker {
public:
    using Symbolizer = std::function<std::string(uint32_t)>;
    AllocationTracker(const GuestMemory &memory, Symbolizer symbolize);

    // An allocation known by its virtual address (kmalloc, vmalloc, __get_free_pages, ...).
    void on_alloc(const std::string &function, uint32_t caller, uint32_t va, uint32_t size);
    void on_free(uint32_t va);
    // Pages known by frame number (alloc_pages), freed by their first frame.
    void on_alloc_pages(uint32_t caller, uint64_t pfn, unsigned order);
    void on_free_pages(uint64_t pfn);

    // Told of every allocation as it is freed, before it is forgotten.
    void set_free_listener(std::function<void(const Allocation &)> listener) { free_listener_ = std::move(listener); }

    // The live allocations whose memory holds physical byte `pa`.
    std::vector<const Allocation *> owners_at(uint64_t pa) const;
    // Ids of the live allocations that touch frame `pfn`.
    std::vector<uint64_t> frame_owners(uint64_t pfn) const;
    bool any_allocation_seen() const { return next_id_ > 1; }

    // The live vmalloc allocation whose area holds `va`, or null.
    const Allocation *vmalloc_area_at(uint32_t va) const;
    // One line: the allocations that own the frame, or the last one that did, or that none did.
    std::string describe_frame(uint64_t pfn) const;
    std::string describe(const Allocation &a) const;

    // Linux's MAX_PAGE_ORDER: the largest block the buddy allocator hands out is 2^10 pages.
    static constexpr unsigned kMaxPageOrder = 10;
    // Allocations not followed: past bounds::kTrackedAllocations or kTrackedFrames, or of an
    // order Linux would refuse.
    uint64_t dropped() const { return dropped_; }
    // Frees whose frames were not remembered as last freed (past bounds::kFreedFrames).
    uint64_t freed_frames_dropped() const { return freed_frames_dropped_; }

private:
    // False (and counted in dropped_) when the allocation would exceed the bounds.
    bool add(Allocation a);
    void remove(uint64_t id);

    const GuestMemory &memory_;
    Symbolizer symbolize_;
    std::function<void(const Allocation &)> free_listener_;
    uint64_t next_id_ = 1;
    uint64_t indexed_frames_ = 0;   // owners listed in frames_, over all frames
    uint64_t dropped_ = 0;
    uint64_t freed_frames_dropped_ = 0;
    std::map<uint64_t, Allocation> live_;                         // by id
    std::map<uint32_t, uint64_t> by_va_;                          // start VA -> id
    FrameIndex frames_;
};

} // namespace ia32emu
