// Frames are indexed per 4 KiB so that a lookup by bus address needs no search over allocations.
#include "emu/introspect/allocation_tracker.h"

#include <cstdio>

#include "emu/bounds/host_bounds.h"

namespace ia32emu {
namespace {

constexpr uint32_t kZeroSizePtr = 0x10;   // what kmalloc(0) returns, as on Linux

uint64_t frames_of(const PhysExtent &e) { return e.len == 0 ? 0 : ((e.pa + e.len - 1) >> 12) - (e.pa >> 12) + 1; }

uint64_t frames_of(const Allocation &a) {
    uint64_t n = 0;
    for (const PhysExtent &e : a.extents)
        n += frames_of(e);
    return n;
}

template <typename F>
void for_each_frame(const Allocation &a, F &&f) {
    for (const PhysExtent &e : a.extents)
        for (uint64_t pfn = e.pa >> 12, n = frames_of(e); n > 0; ++pfn, --n)
            f(pfn);
}

} // namespace

AllocationTracker::AllocationTracker(const GuestMemory &memory, Symbolizer symbolize)
    : memory_(memory), symbolize_(std::move(symbolize)), frames_(memory.ram_size() >> 12, bounds::kFreedFrames) {}

bool AllocationTracker::add(Allocation a) {
    const uint64_t frames = frames_of(a);
    if (live_.size() >= bounds::kTrackedAllocations || frames > bounds::kTrackedFrames - indexed_frames_) {
        ++dropped_;
        return false;
    }
    indexed_frames_ += frames;
    a.id = next_id_++;
    for_each_frame(a, [&](uint64_t pfn) { frames_.add_owner(pfn, a.id); });
    uint64_t id = a.id;
    live_.emplace(id, std::move(a));
    return true;
}

void AllocationTracker::remove(uint64_t id) {
    auto it = live_.find(id);
    if (it == live_.end())
        return;
    if (free_listener_)
        free_listener_(it->second);
    auto freed = std::make_shared<const Allocation>(std::move(it->second));
    indexed_frames_ -= frames_of(*freed);
    for_each_frame(*freed, [&](uint64_t pfn) {
        // Past the cap only frames already remembered are updated; "free (no allocation seen)" is then the answer.
        if (!frames_.set_last_freed(pfn, freed))
            ++freed_frames_dropped_;
        frames_.remove_owner(pfn, id);
    });
    live_.erase(it);
}

void AllocationTracker::on_alloc(const std::string &function, uint32_t caller, uint32_t va, uint32_t size) {
    if (va == 0 || size == 0 || va == kZeroSizePtr)
        return;
    on_free(va);
    if (add(Allocation{0, function, caller, va, size, memory_.extents(va, size)}))
        by_va_[va] = next_id_ - 1;
}

void AllocationTracker::on_free(uint32_t va) {
    auto it = by_va_.find(va);
    if (it == by_va_.end())
        return;
    remove(it->second);
    by_va_.erase(it);
}

void AllocationTracker::on_alloc_pages(uint32_t caller, uint64_t pfn, unsigned order) {
    on_free_pages(pfn);
    // Linux refuses orders above MAX_PAGE_ORDER; a guest whose allocator hands out more is not
    // followed (order 20 would not even fit the 32-bit size).
    if (order > kMaxPageOrder) {
        ++dropped_;
        return;
    }
    uint32_t bytes = uint32_t(0x1000) << order;
    if (add(Allocation{0, "alloc_pages", caller, 0, bytes, {PhysExtent{pfn << 12, bytes}}}))
        frames_.set_head(pfn, next_id_ - 1);
}

void AllocationTracker::on_free_pages(uint64_t pfn) {
    uint64_t id = frames_.head_of(pfn);
    if (id == 0)
        return;
    frames_.set_head(pfn, 0);
    remove(id);
}

std::vector<const Allocation *> AllocationTracker::owners_at(uint64_t pa) const {
    std::vector<const Allocation *> out;
    for (uint64_t id : frames_.owners(pa >> 12))
        if (const Allocation &a = live_.at(id); a.contains(pa))
            out.push_back(&a);
    return out;
}

std::vector<uint64_t> AllocationTracker::frame_owners(uint64_t pfn) const { return frames_.owners(pfn); }

const Allocation *AllocationTracker::vmalloc_area_at(uint32_t va) const {
    auto it = by_va_.upper_bound(va);
    if (it == by_va_.begin())
        return nullptr;
    --it;
    const Allocation &a = live_.at(it->second);
    if (!a.is_vmalloc_area() || va >= a.va + a.size)
        return nullptr;
    return &a;
}

std::string AllocationTracker::describe(const Allocation &a) const {
    char buf[160];
    if (a.va == 0)
        std::snprintf(buf, sizeof buf, "allocation %llu by %s(%u bytes) called from 0x%08x",
                      static_cast<unsigned long long>(a.id), a.function.c_str(), a.size, a.caller);
    else
        std::snprintf(buf, sizeof buf, "allocation %llu by %s(%u) called from 0x%08x",
                      static_cast<unsigned long long>(a.id), a.function.c_str(), a.size, a.caller);
    std::string out = buf;
    std::string sym = symbolize_(a.caller);
    if (!sym.empty())
        out += " (" + sym + ")";
    if (a.va != 0) {
        std::snprintf(buf, sizeof buf, ", mapped at 0x%08x-0x%08x", a.va, a.va + a.size - 1);
        out += buf;
    } else {
        std::snprintf(buf, sizeof buf, ", frames 0x%llx-0x%llx",
                      static_cast<unsigned long long>(a.extents.front().pa),
                      static_cast<unsigned long long>(a.extents.front().pa + a.size - 1));
        out += buf;
    }
    return out;
}

std::string AllocationTracker::describe_frame(uint64_t pfn) const {
    const Allocation *freed = frames_.last_freed(pfn);
    std::vector<uint64_t> owners = frames_.owners(pfn);
    if (owners.empty())
        return freed ? "free; last held by " + describe(*freed) : "free (no allocation seen)";
    std::string out;
    for (uint64_t id : owners) {
        if (!out.empty())
            out += "; ";
        out += describe(live_.at(id));
    }
    // A slab page outlives its objects: name the last object freed in it too.
    if (freed)
        out += "; last freed there: " + describe(*freed);
    return out;
}

} // namespace ia32emu
