/* dma_alloc_coherent/dma_free_coherent: long-lived buffers both the CPU and the device use. */
#include "dma/internal.h"
#include "mm/debug.h"
#include "mm/layout.h"
#include "mm/page_alloc.h"

/* Zone modifiers are the API's choice, not the caller's, as in Linux's dma_alloc_attrs. */
#define DMA_ZONE_FLAGS (__GFP_DMA | __GFP_HIGHMEM)

static void *alloc_zeroed(gfp_t gfp, unsigned int order)
{
    return (void *)__get_free_pages(gfp | __GFP_ZERO, order);
}

/*
 * dma-direct's order: a mask that cannot reach past ZONE_DMA allocates there at once; otherwise
 * try normal memory and, if it landed above the mask, retry in ZONE_DMA.
 */
static __attribute__((noinline)) void *alloc_coherent(struct device *dev, size_t size,
                                                      dma_addr_t *dma_handle, gfp_t gfp,
                                                      unsigned long caller)
{
    if (!size) {
        mm_warn(caller, "dma_alloc_coherent of 0 bytes");
        return NULL;
    }
    unsigned int order = get_order(size);
    u64 mask = dev->coherent_dma_mask;
    gfp &= ~DMA_ZONE_FLAGS;
    if (mask < ((u64)MAX_DMA_PFN << PAGE_SHIFT))
        gfp |= __GFP_DMA;

    void *cpu = alloc_zeroed(gfp | ((gfp & __GFP_DMA) ? 0 : __GFP_NOWARN), order);
    if (cpu && !dma_capable(mask, __pa_nodebug(cpu), size)) {
        free_pages((unsigned long)cpu, order);
        cpu = NULL;
    }
    if (!cpu && !(gfp & __GFP_DMA))
        cpu = alloc_zeroed(gfp | __GFP_DMA, order);
    if (!cpu)
        return NULL;
    if (!dma_capable(mask, __pa_nodebug(cpu), size)) {
        mm_warn(caller, "dma_alloc_coherent: no memory below mask %llx", mask);
        free_pages((unsigned long)cpu, order);
        return NULL;
    }
    *dma_handle = phys_to_dma(dev, __pa_nodebug(cpu));
    return cpu;
}

void *__dma_intercepted dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
                                           gfp_t gfp)
{
    void *cpu = alloc_coherent(dev, size, dma_handle, gfp, _RET_IP_);
    dma_keep(cpu);
    return cpu;
}

static __attribute__((noinline)) void free_coherent(struct device *dev, size_t size, void *cpu_addr,
                                                    dma_addr_t dma_handle, unsigned long caller)
{
    if (!cpu_addr)
        return;
    if (!virt_addr_valid(cpu_addr) || phys_to_dma(dev, __pa_nodebug(cpu_addr)) != dma_handle) {
        mm_bug(caller, "dma_free_coherent: %p does not match handle 0x%08x", cpu_addr, dma_handle);
        return;
    }
    free_pages((unsigned long)cpu_addr, get_order(size));
}

void __dma_intercepted dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
                                         dma_addr_t dma_handle)
{
    free_coherent(dev, size, cpu_addr, dma_handle, _RET_IP_);
    dma_keep_void();
}
