// Frames are indexed per 4 KiB so that a lookup by bus address needs no search over allocations.
#include "emu/introspect/allocation_tracker.h"

#include <algorithm>
#include <cstdio>

namespace ia32emu {

void AllocationTracker::on_alloc(const std::string &function, uint32_t caller, uint32_t va, uint32_t size) {
    if (va == 0 || size == 0 || va == 0x10)   // NULL, or kmalloc(0)'s ZERO_SIZE_PTR
        return;
    on_free(va);
    Allocation a{next_id_++, function, caller, va, size, memory_.extents(va, size)};
    for (const PhysExtent &e : a.extents)
        for (uint64_t pfn = e.pa >> 12; pfn <= (e.pa + e.len - 1) >> 12; ++pfn)
            owners_[pfn].push_back(va);
    live_.emplace(va, std::move(a));
}

void AllocationTracker::on_free(uint32_t va) {
    auto it = live_.find(va);
    if (it == live_.end())
        return;
    for (const PhysExtent &e : it->second.extents) {
        for (uint64_t pfn = e.pa >> 12; pfn <= (e.pa + e.len - 1) >> 12; ++pfn) {
            last_freed_[pfn] = it->second;
            auto o = owners_.find(pfn);
            if (o == owners_.end())
                continue;
            o->second.erase(std::remove(o->second.begin(), o->second.end(), va), o->second.end());
            if (o->second.empty())
                owners_.erase(o);
        }
    }
    live_.erase(it);
}

const Allocation *AllocationTracker::vmalloc_area_at(uint32_t va) const {
    auto it = live_.upper_bound(va);
    if (it == live_.begin())
        return nullptr;
    --it;
    const Allocation &a = it->second;
    if (!a.is_vmalloc_area() || va >= a.va + a.size)
        return nullptr;
    return &a;
}

std::string AllocationTracker::describe(const Allocation &a) const {
    char buf[160];
    std::snprintf(buf, sizeof buf, "allocation %llu by %s(%u) called from 0x%08x", static_cast<unsigned long long>(a.id),
                  a.function.c_str(), a.size, a.caller);
    std::string out = buf;
    std::string sym = symbolize_(a.caller);
    if (!sym.empty())
        out += " (" + sym + ")";
    std::snprintf(buf, sizeof buf, ", mapped at 0x%08x-0x%08x", a.va, a.va + a.size - 1);
    return out + buf;
}

std::string AllocationTracker::describe_frame(uint64_t pfn) const {
    auto o = owners_.find(pfn);
    if (o == owners_.end()) {
        auto f = last_freed_.find(pfn);
        if (f == last_freed_.end())
            return "no live tracked allocation (free, or taken with alloc_pages)";
        return "no live tracked allocation; last held by " + describe(f->second) + ", since freed";
    }
    std::string out;
    for (uint32_t va : o->second) {
        if (!out.empty())
            out += "; ";
        out += describe(live_.at(va));
    }
    return out;
}

} // namespace ia32emu
