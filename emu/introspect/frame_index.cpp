// An allocator intercept touches every frame of its allocation, so the common case (a RAM frame
// with one owner) is a load and a store in one array, with no allocation of host memory.
#include "emu/introspect/frame_index.h"

#include <algorithm>

namespace ia32emu {

FrameIndex::Slot *FrameIndex::slot(uint64_t pfn) {
    if (pfn >= ram_frames_)
        return nullptr;
    if (pfn >= slots_.size())
        slots_.resize(std::min(ram_frames_, std::max(pfn + 1, 2 * uint64_t(slots_.size()))));
    return &slots_[pfn];
}

const FrameIndex::Slot *FrameIndex::slot(uint64_t pfn) const {
    static const Slot kUnused;
    if (pfn >= ram_frames_)
        return nullptr;
    return pfn < slots_.size() ? &slots_[pfn] : &kUnused;
}

void FrameIndex::add_owner(uint64_t pfn, uint64_t id) {
    Slot *s = slot(pfn);
    if (!s) {
        outside_owners_[pfn].push_back(id);
        return;
    }
    if (s->owner == kNone) {
        s->owner = id;
    } else if (s->owner == kSeveral) {
        several_[pfn].push_back(id);
    } else {
        several_[pfn] = {s->owner, id};
        s->owner = kSeveral;
    }
}

void FrameIndex::remove_owner(uint64_t pfn, uint64_t id) {
    Slot *s = slot(pfn);
    if (!s) {
        auto o = outside_owners_.find(pfn);
        if (o == outside_owners_.end())
            return;
        std::erase(o->second, id);
        if (o->second.empty())
            outside_owners_.erase(o);
        return;
    }
    if (s->owner == id) {
        s->owner = kNone;
        return;
    }
    if (s->owner != kSeveral)
        return;
    auto o = several_.find(pfn);
    std::erase(o->second, id);
    // An allocation whose virtual pages map one frame twice listed it twice, and leaves none.
    if (o->second.size() <= 1) {
        s->owner = o->second.empty() ? kNone : o->second.front();
        several_.erase(o);
    }
}

std::vector<uint64_t> FrameIndex::owners(uint64_t pfn) const {
    const Slot *s = slot(pfn);
    if (!s) {
        auto o = outside_owners_.find(pfn);
        return o == outside_owners_.end() ? std::vector<uint64_t>{} : o->second;
    }
    if (s->owner == kNone)
        return {};
    if (s->owner == kSeveral)
        return several_.at(pfn);
    return {s->owner};
}

bool FrameIndex::set_last_freed(uint64_t pfn, const Freed &freed) {
    Slot *s = slot(pfn);
    Freed *held = s ? &s->last_freed : nullptr;
    if (!s)
        if (auto f = outside_freed_.find(pfn); f != outside_freed_.end())
            held = &f->second;
    if (held && *held) {
        *held = freed;
        return true;
    }
    if (freed_frames_ >= max_freed_)
        return false;
    ++freed_frames_;
    if (s)
        s->last_freed = freed;
    else
        outside_freed_.emplace(pfn, freed);
    return true;
}

const Allocation *FrameIndex::last_freed(uint64_t pfn) const {
    if (const Slot *s = slot(pfn))
        return s->last_freed.get();
    auto f = outside_freed_.find(pfn);
    return f == outside_freed_.end() ? nullptr : f->second.get();
}

} // namespace ia32emu
