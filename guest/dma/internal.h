/* Shared by the DMA API files: the dma-direct address rules and the intercept attribute. */
#ifndef GUEST_DMA_INTERNAL_H
#define GUEST_DMA_INTERNAL_H

#include "dma/dma-mapping.h"

/*
 * For the functions the host intercepts by symbol. noipa as well as noinline: an intercepted
 * function whose work gcc can see through (dma_unmap_single does little) must still be called.
 * Each such function is a thin wrapper around a static worker, so it has exactly one ret, and
 * dma_keep(x) after the worker's call stops gcc from turning that call into a tail jump.
 */
#define __dma_intercepted __attribute__((noinline, noipa, used))
#define dma_keep(v) __asm__ volatile("" : "+r"(v))
#define dma_keep_void() __asm__ volatile("" : : : "memory")

/* No IOMMU: the bus sees physical addresses unchanged. */
static inline dma_addr_t phys_to_dma(const struct device *dev, u64 phys)
{
    (void)dev;
    return (dma_addr_t)phys;
}

/* Whether [addr, addr + size) lies within the device's reach (Linux's dma_capable). */
static inline bool dma_capable(u64 mask, u64 addr, size_t size)
{
    if (!size)
        return addr <= mask;
    u64 end = addr + size - 1;
    return end >= addr && end <= mask;
}

#endif
