// Bounds-checked physical memory access for DMA.
#include "emu/board/physical_memory.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ia32emu {

namespace {
constexpr uint64_t kLegacyHoleStart = 0xa0000;
constexpr uint64_t kLegacyHoleEnd = 0x100000;
}  // namespace

PhysicalMemory::PhysicalMemory(uint8_t* base, uint64_t size, std::vector<PhysRange> ram)
    : base_(base), size_(size) {
    if (base == nullptr && size != 0)
        throw std::invalid_argument("PhysicalMemory: null buffer");
    std::sort(ram.begin(), ram.end(),
              [](const PhysRange& a, const PhysRange& b) { return a.start < b.start; });
    for (const PhysRange& r : ram) {
        if (r.start >= r.end || r.end > size)
            throw std::invalid_argument("PhysicalMemory: RAM range empty or outside the buffer");
        if (!ram_.empty() && r.start <= ram_.back().end)
            ram_.back().end = std::max(ram_.back().end, r.end);
        else
            ram_.push_back(r);
    }
}

std::vector<PhysRange> PhysicalMemory::pc_ram_ranges(uint64_t ram_size, uint64_t pci_hole_start) {
    std::vector<PhysRange> ranges;
    const uint64_t top = std::min(ram_size, pci_hole_start);
    if (top > 0)
        ranges.push_back({0, std::min(top, kLegacyHoleStart)});
    if (top > kLegacyHoleEnd)
        ranges.push_back({kLegacyHoleEnd, top});
    return ranges;
}

bool PhysicalMemory::is_ram(uint64_t pa, uint64_t len) const {
    if (len > UINT64_MAX - pa)
        return false;
    const uint64_t end = pa + len;
    return std::any_of(ram_.begin(), ram_.end(), [&](const PhysRange& r) {
        return pa >= r.start && end <= r.end;
    });
}

bool PhysicalMemory::read(uint64_t pa, void* dst, uint64_t len) const {
    if (!is_ram(pa, len))
        return false;
    if (len != 0)
        std::memcpy(dst, base_ + pa, len);
    return true;
}

bool PhysicalMemory::write(uint64_t pa, const void* src, uint64_t len) {
    if (!is_ram(pa, len))
        return false;
    if (len != 0)
        std::memcpy(base_ + pa, src, len);
    return true;
}

}  // namespace ia32emu
