// An allocator intercept touches every frame of its allocation, so the common case (a RAM frame
// with one or two owners) is a load and a store in one array, with no allocation of host memory;
// so is finding the page allocation a free_pages names, which the guest does for every page it frees.
#include "emu/introspect/frame_index.h"

#include <algorithm>

namespace ia32emu {

// Doubling keeps growth linear overall; the exact reserve keeps the array within the RAM's frames.
FrameIndex::Slot *FrameIndex::grow_to(uint64_t pfn) {
    const uint64_t size = std::min(ram_frames_, std::max(pfn + 1, 2 * uint64_t(slots_.size())));
    slots_.reserve(size);
    slots_.resize(size);
    return &slots_[pfn];
}

void FrameIndex::add_owner(uint64_t pfn, uint64_t id) {
    Slot *s = slot(pfn);
    if (!s) {
        outside_owners_[pfn].push_back(id);
    } else if (s->first == kNone) {
        s->first = id;
    } else if (s->first == kSeveral) {
        several_[pfn].push_back(id);
    } else if (s->second == kNone) {
        s->second = id;
    } else {
        several_[pfn] = {s->first, s->second, id};
        s->first = kSeveral;
        s->second = kNone;
    }
}

// Every entry of the id goes: an allocation whose virtual pages map one frame twice listed it twice.
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
    if (s->first != kSeveral) {
        if (s->second == id)
            s->second = kNone;
        if (s->first == id) {
            s->first = s->second;
            s->second = kNone;
        }
        return;
    }
    auto o = several_.find(pfn);
    std::erase(o->second, id);
    if (o->second.size() <= 2) {
        s->first = o->second.empty() ? kNone : o->second[0];
        s->second = o->second.size() < 2 ? kNone : o->second[1];
        several_.erase(o);
    }
}

std::vector<uint64_t> FrameIndex::owners(uint64_t pfn) const {
    const Slot *s = slot(pfn);
    if (!s) {
        auto o = outside_owners_.find(pfn);
        return o == outside_owners_.end() ? std::vector<uint64_t>{} : o->second;
    }
    if (s->first == kSeveral)
        return several_.at(pfn);
    if (s->first == kNone)
        return {};
    if (s->second == kNone)
        return {s->first};
    return {s->first, s->second};
}

uint64_t FrameIndex::head_of(uint64_t pfn) const {
    if (const Slot *s = slot(pfn))
        return s->head;
    auto h = outside_heads_.find(pfn);
    return h == outside_heads_.end() ? 0 : h->second;
}

void FrameIndex::set_head(uint64_t pfn, uint64_t id) {
    if (Slot *s = slot(pfn))
        s->head = id;
    else if (id)
        outside_heads_[pfn] = id;
    else
        outside_heads_.erase(pfn);
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
