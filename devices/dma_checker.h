// The question a DMA engine asks before a transfer: is this bus range one live, contiguous mapping?
#pragma once

#include <cstdint>
#include <string>

namespace ia32emu {

struct DmaVerdict {
    bool allowed = true;
    std::string rule;    // short machine-readable name of the broken rule, empty when allowed
    std::string detail;  // one human-readable line
};

// Implemented from the guest's DMA API (dma_map_single, dma_alloc_coherent, ...): allowed only
// when [bus_addr, bus_addr + len) lies inside one live mapping of a physically contiguous buffer.
class DmaMappingChecker {
public:
    virtual ~DmaMappingChecker() = default;
    virtual DmaVerdict check(uint64_t bus_addr, uint64_t len, bool to_ram) = 0;
};

}  // namespace ia32emu
