// What the host learns from the guest kernel by intercepting its functions by symbol: the owner
// of every frame its allocators hand out, and the DMA mappings its DMA API makes. The one place
// that decides which guest functions are watched and how their arguments are read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/engine/engine.h"
#include "emu/introspect/allocation_tracker.h"
#include "emu/introspect/dma_mapping_table.h"
#include "emu/introspect/kernel_image.h"
#include "emu/introspect/guest_memory.h"
#include "emu/introspect/page_frame_map.h"

namespace ia32emu {

class KernelHooks {
public:
    KernelHooks(Engine &engine, const KernelImage &image, const GuestMemory &memory);

    AllocationTracker &allocations() { return allocations_; }
    DmaMappingTable &dma_table() { return dma_table_; }
    const DmaMappingTable &dma_table() const { return dma_table_; }

private:
    // A kernel without the function is simply not watched.
    void on_call(const char *name, Engine::EntryHandler handler);
    void intercept_allocators();
    void intercept_dma_api();
    void record_pages(uint32_t caller, uint32_t page, uint32_t order);

    Engine &engine_;
    const KernelImage &image_;
    const GuestMemory &memory_;
    AllocationTracker allocations_;
    PageFrameMap page_frames_;
    // alloc_pages results seen before the page geometry was learnt, resolved once it is.
    struct PendingPages {
        uint32_t caller, page, order;
    };
    std::vector<PendingPages> pending_pages_;
    uint32_t last_page_ = 0;
    DmaMappingTable dma_table_;
};

} // namespace ia32emu
