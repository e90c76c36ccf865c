// Per 4 KiB frame: the ids of the live allocations that hold it, the live page allocation
// (alloc_pages) that starts there, and the allocation that held it last. Frames of guest RAM are
// slots of one array, bounded by the RAM's size, and a frame with one or two owners keeps them in
// its slot: two is common, as a vmalloc area or a slab holds pages that alloc_pages handed out,
// and only a slab page's objects make more. Frames outside RAM, which a hostile guest's allocator
// may hand out, live in maps.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace ia32emu {

struct Allocation;

class FrameIndex {
public:
    using Freed = std::shared_ptr<const Allocation>;

    // `ram_frames`: frames [0, ram_frames) get array slots; `max_freed`: how many frames remember
    // their last freed allocation, in and outside RAM together.
    FrameIndex(uint64_t ram_frames, uint64_t max_freed) : ram_frames_(ram_frames), max_freed_(max_freed) {}

    // Ids must be added in increasing order, so that every frame lists its owners oldest first.
    void add_owner(uint64_t pfn, uint64_t id);
    void remove_owner(uint64_t pfn, uint64_t id);
    // Owners of `pfn`, oldest first.
    std::vector<uint64_t> owners(uint64_t pfn) const;

    // The live page allocation whose first frame `pfn` is, or 0; `id` 0 clears it.
    uint64_t head_of(uint64_t pfn) const;
    void set_head(uint64_t pfn, uint64_t id);

    // False when the frame did not remember one before and max_freed frames already do.
    bool set_last_freed(uint64_t pfn, const Freed &freed);
    const Allocation *last_freed(uint64_t pfn) const;

private:
    // A slot's owners, oldest first: none (both kNone), one (`second` kNone), two, or more
    // (`first` kSeveral: then they are all in several_).
    static constexpr uint64_t kNone = 0;
    static constexpr uint64_t kSeveral = ~uint64_t(0);
    struct Slot {
        uint64_t first = kNone, second = kNone;
        uint64_t head = 0;
        Freed last_freed;
    };
    Slot *slot(uint64_t pfn) {
        if (pfn < slots_.size())
            return &slots_[pfn];
        return pfn < ram_frames_ ? grow_to(pfn) : nullptr;
    }
    // Frames of RAM not yet grown into have no owners and remember nothing.
    const Slot *slot(uint64_t pfn) const {
        static const Slot kUnused;
        if (pfn < slots_.size())
            return &slots_[pfn];
        return pfn < ram_frames_ ? &kUnused : nullptr;
    }
    Slot *grow_to(uint64_t pfn);

    uint64_t ram_frames_;
    uint64_t max_freed_;
    uint64_t freed_frames_ = 0;   // frames that remember one, in and outside RAM
    // Grown as frames are first used, never past ram_frames_.
    std::vector<Slot> slots_;
    std::unordered_map<uint64_t, std::vector<uint64_t>> several_;   // RAM frames with three or more owners
    std::unordered_map<uint64_t, std::vector<uint64_t>> outside_owners_;
    std::unordered_map<uint64_t, uint64_t> outside_heads_;
    std::unordered_map<uint64_t, Freed> outside_freed_;
};

} // namespace ia32emu
