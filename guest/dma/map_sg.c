/* dma_map_sg/dma_unmap_sg: streaming DMA of a scatter-gather list, one bus segment per entry. */
#include "dma/internal.h"
#include "mm/debug.h"
#include "mm/page_alloc.h"

static __attribute__((noinline)) int map_sg(struct device *dev, struct scatterlist *sgl, int nents,
                                           enum dma_data_direction dir, unsigned long caller)
{
    if (!valid_dma_direction(dir)) {
        mm_bug(caller, "dma_map_sg with invalid direction %d", (int)dir);
        return 0;
    }
    if (nents <= 0) {
        mm_bug(caller, "dma_map_sg with %d entries", nents);
        return 0;
    }
    struct scatterlist *sg;
    int i;
    for_each_sg(sgl, sg, nents, i) {
        if (!sg_page(sg)) {
            mm_bug(caller, "dma_map_sg: entry %d has no page", i);
            return 0;
        }
        /* page_to_phys works for highmem pages too: the device needs no kernel mapping. */
        u64 phys = (u64)page_to_phys(sg_page(sg)) + sg->offset;
        if (!dma_capable(dev->dma_mask, phys, sg->length)) {
            mm_warn(caller, "DMA addr 0x%08llx+%u overflow (mask %llx)", phys, sg->length,
                    dev->dma_mask);
            return 0;
        }
        sg_dma_address(sg) = phys_to_dma(dev, phys);
        sg_dma_len(sg) = sg->length;
    }
    return nents;
}

int __dma_intercepted dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
                                 enum dma_data_direction dir)
{
    int mapped = map_sg(dev, sg, nents, dir, _RET_IP_);
    dma_keep(mapped);
    return mapped;
}

/* As dma_unmap_single: no work on x86 dma-direct, but the host ends the segments' mappings here. */
static __attribute__((noinline)) void unmap_sg(int nents, enum dma_data_direction dir,
                                               unsigned long caller)
{
    if (!valid_dma_direction(dir))
        mm_bug(caller, "dma_unmap_sg with invalid direction %d", (int)dir);
    else if (nents <= 0)
        mm_bug(caller, "dma_unmap_sg with %d entries", nents);
}

void __dma_intercepted dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
                                    enum dma_data_direction dir)
{
    (void)dev;
    (void)sg;
    unmap_sg(nents, dir, _RET_IP_);
    dma_keep_void();
}
