/* dma_map_single/dma_unmap_single: streaming DMA of a direct-mapped buffer (Linux dma-direct). */
#include "dma/internal.h"
#include "mm/debug.h"
#include "mm/layout.h"
#include "mm/vmalloc.h"

static __attribute__((noinline)) dma_addr_t map_single(struct device *dev, void *ptr, size_t size,
                                                      enum dma_data_direction dir, unsigned long caller)
{
    if (!valid_dma_direction(dir)) {
        mm_bug(caller, "dma_map_single with invalid direction %d", (int)dir);
        return DMA_MAPPING_ERROR;
    }
    /*
     * A vmalloc buffer is contiguous only virtually; its pages lie anywhere in RAM, so no single
     * bus address describes it. Linux refuses it outright since 5.5.
     */
    if (is_vmalloc_addr(ptr)) {
        mm_warn(caller, "rejecting DMA map of vmalloc memory");
        return DMA_MAPPING_ERROR;
    }
    if (!virt_addr_valid(ptr) || !virt_addr_valid((const char *)ptr + (size ? size - 1 : 0))) {
        mm_warn(caller, "rejecting DMA map of memory outside the direct map (%p+%u)", ptr,
                (unsigned int)size);
        return DMA_MAPPING_ERROR;
    }
    u64 phys = __pa_nodebug(ptr);
    if (!dma_capable(dev->dma_mask, phys, size)) {
        mm_warn(caller, "DMA addr 0x%08llx+%u overflow (mask %llx)", phys, (unsigned int)size,
                dev->dma_mask);
        return DMA_MAPPING_ERROR;
    }
    return phys_to_dma(dev, phys);
}

dma_addr_t __dma_intercepted dma_map_single(struct device *dev, void *ptr, size_t size,
                                            enum dma_data_direction dir)
{
    dma_addr_t addr = map_single(dev, ptr, size, dir, _RET_IP_);
    dma_keep(addr);
    return addr;
}

/*
 * Nothing to undo without an IOMMU or bounce buffers (x86 DMA is cache-coherent); the call still
 * matters: it ends the mapping's life for the host, after which the device may not use it.
 */
static __attribute__((noinline)) void unmap_single(dma_addr_t addr, enum dma_data_direction dir,
                                                   unsigned long caller)
{
    if (!valid_dma_direction(dir))
        mm_bug(caller, "dma_unmap_single with invalid direction %d", (int)dir);
    else if (addr == DMA_MAPPING_ERROR)
        mm_bug(caller, "dma_unmap_single of DMA_MAPPING_ERROR");
}

void __dma_intercepted dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
                                        enum dma_data_direction dir)
{
    (void)dev;
    (void)size;
    unmap_single(addr, dir, _RET_IP_);
    dma_keep_void();
}
