// The live DMA mappings the guest made through its DMA API, with their physical layout, read off
// intercepted calls; the DMA engine asks it whether a bus range may be used.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "devices/dma_checker.h"
#include "emu/introspect/allocation_tracker.h"
#include "emu/introspect/guest_memory.h"

namespace ia32emu {

struct DmaMapping {
    std::string api;          // dma_map_single, dma_map_sg, dma_alloc_coherent
    uint32_t caller = 0;
    uint64_t bus = 0;
    uint64_t len = 0;
    uint32_t va = 0;          // the CPU address the driver mapped (0 for a scatterlist segment)
    bool contiguous = true;   // the buffer's frames are physically contiguous from `bus`
    std::string layout;       // the physical extents, for messages
};

class DmaMappingTable : public DmaMappingChecker {
public:
    explicit DmaMappingTable(const GuestMemory &memory, const AllocationTracker &allocations)
        : memory_(memory), allocations_(allocations) {}

    void on_map_single(uint32_t caller, uint32_t va, uint32_t size, uint32_t result);
    void on_unmap_single(uint32_t bus);
    void on_map_sg(uint32_t caller, uint32_t sg, int nents);
    void on_unmap_sg(uint32_t sg, int nents);
    void on_alloc_coherent(uint32_t caller, uint32_t va, uint32_t size, uint32_t bus);
    void on_free_coherent(uint32_t bus);

    DmaVerdict check(uint64_t bus_addr, uint64_t len) override;

    // Refusals the guest API made (e.g. of vmalloc memory), for the report.
    struct Refusal {
        uint32_t caller;
        uint32_t va;
        uint32_t size;
        std::string detail;
    };
    const std::vector<Refusal> &refusals() const { return refusals_; }
    // Where a bus range came from: each frame's owner, and the vmalloc area of which it is
    // virt_to_phys if there is one.
    std::string provenance(uint64_t bus, uint64_t len) const;

private:
    const GuestMemory &memory_;
    const AllocationTracker &allocations_;
    std::multimap<uint64_t, DmaMapping> live_;   // by bus address
    std::vector<Refusal> refusals_;
};

} // namespace ia32emu
