// Rule (d) of the DMA engine: a bus range must lie inside one live mapping whose buffer is
// physically contiguous. A vmalloc buffer is contiguous only virtually, so a mapping of one is
// recorded as scattered and every transfer through it is refused.
#include "emu/introspect/dma_mapping_table.h"

#include <algorithm>
#include <cstdio>


namespace ia32emu {
namespace {

// virt_to_phys() on Linux i386 (and our guest) subtracts PAGE_OFFSET, whatever the address is.
constexpr uint64_t kGuestPageOffset = 0xC0000000;
constexpr uint32_t kDmaMappingError = 0xFFFFFFFFu;
constexpr uint32_t kScatterlistEntry = 20;   // page_link, offset, length, dma_address, dma_length
// The entry count comes from the guest; a wild one must not keep the host reading for ever.
constexpr int kMaxScatterlistEntries = 65536;

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string layout_of(const std::vector<PhysExtent> &extents) {
    std::string out;
    for (const PhysExtent &e : extents)
        out += (out.empty() ? "" : ",") + hex(e.pa) + "+" + hex(e.len);
    return out.empty() ? "unmapped" : out;
}

} // namespace

void DmaMappingTable::on_map_single(uint32_t caller, uint32_t va, uint32_t size, uint32_t result) {
    std::vector<PhysExtent> extents = memory_.extents(va, size);
    if (result == kDmaMappingError) {
        refusals_.push_back({caller, va, size,
                             "dma_map_single(" + hex(va) + ", " + std::to_string(size) +
                                 ") refused by the guest's DMA API; physical layout " + layout_of(extents)});
        return;
    }
    bool contiguous = extents.size() == 1 && extents.front().pa == result;
    live_.emplace(result, DmaMapping{"dma_map_single", caller, result, size, va, contiguous, layout_of(extents)});
}

void DmaMappingTable::on_unmap_single(uint32_t bus) {
    auto range = live_.equal_range(bus);
    for (auto it = range.first; it != range.second; ++it)
        if (it->second.api == "dma_map_single") {
            live_.erase(it);
            return;
        }
}

void DmaMappingTable::on_map_sg(uint32_t caller, uint32_t sg, int nents) {
    for (int i = 0; i < std::min(nents, kMaxScatterlistEntries); ++i) {
        uint32_t entry = sg + uint32_t(i) * kScatterlistEntry;
        uint32_t bus = memory_.word(entry + 12), len = memory_.word(entry + 16);
        if (len == 0)
            continue;
        live_.emplace(bus, DmaMapping{"dma_map_sg", caller, bus, len, 0, true, hex(bus) + "+" + hex(len)});
    }
}

void DmaMappingTable::on_unmap_sg(uint32_t sg, int nents) {
    for (int i = 0; i < std::min(nents, kMaxScatterlistEntries); ++i) {
        uint32_t bus = memory_.word(sg + uint32_t(i) * kScatterlistEntry + 12);
        auto range = live_.equal_range(bus);
        for (auto it = range.first; it != range.second; ++it)
            if (it->second.api == "dma_map_sg") {
                live_.erase(it);
                break;
            }
    }
}

void DmaMappingTable::on_alloc_coherent(uint32_t caller, uint32_t va, uint32_t size, uint32_t bus) {
    if (va == 0)
        return;
    std::vector<PhysExtent> extents = memory_.extents(va, size);
    bool contiguous = extents.size() == 1 && extents.front().pa == bus;
    live_.emplace(bus, DmaMapping{"dma_alloc_coherent", caller, bus, size, va, contiguous, layout_of(extents)});
}

void DmaMappingTable::on_free_coherent(uint32_t bus) {
    auto range = live_.equal_range(bus);
    for (auto it = range.first; it != range.second; ++it)
        if (it->second.api == "dma_alloc_coherent") {
            live_.erase(it);
            return;
        }
}

DmaVerdict DmaMappingTable::check(uint64_t bus, uint64_t len) {
    const DmaMapping *inside = nullptr;
    for (auto it = live_.begin(); it != live_.end() && it->first <= bus; ++it)
        if (bus + len <= it->second.bus + it->second.len)
            inside = &it->second;
    if (!inside)
        return {false, "no_live_mapping",
                "bus range " + hex(bus) + "+" + hex(len) + " is not inside any live DMA mapping; " +
                    provenance(bus, len)};
    if (!inside->contiguous)
        return {false, "noncontiguous_mapping",
                "bus range " + hex(bus) + "+" + hex(len) + " lies in a " + inside->api + " mapping of " +
                    hex(inside->va) + " whose frames are scattered (" + inside->layout + ")"};
    return {};
}

std::string DmaMappingTable::provenance(uint64_t bus, uint64_t len) const {
    std::string out;
    for (uint64_t pfn = bus >> 12; pfn <= (bus + (len ? len - 1 : 0)) >> 12; ++pfn)
        out += (out.empty() ? "frame " : "; frame ") + hex(pfn << 12) + ": " + allocations_.describe_frame(pfn);
    // The classic bug: the driver passed virt_to_phys() of a vmalloc address.
    uint64_t as_virtual = bus + kGuestPageOffset;
    if (as_virtual < 0x100000000ull)
        if (const Allocation *a = allocations_.vmalloc_area_at(uint32_t(as_virtual)))
            out += "; bus address " + hex(bus) + " is virt_to_phys(" + hex(as_virtual) + ") of vmalloc area: " +
                   allocations_.describe(*a);
    return out;
}

} // namespace ia32emu
