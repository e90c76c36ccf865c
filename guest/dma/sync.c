/*
 * dma_sync_*: ownership hand-over of a live streaming mapping between CPU and device, and
 * debug_dma_mapping_error, the out-of-line half of dma_mapping_error(). On x86 dma-direct none of
 * them has work to do (DMA is cache-coherent); the host intercepts them, as Linux's
 * CONFIG_DMA_API_DEBUG hooks them, to know who owns a buffer and that a result was checked.
 */
#include "dma/internal.h"
#include "mm/debug.h"

static __attribute__((noinline)) void check_direction(const char *what, enum dma_data_direction dir,
                                                      unsigned long caller)
{
    if (!valid_dma_direction(dir))
        mm_bug(caller, "%s with invalid direction %d", what, (int)dir);
}

void __dma_intercepted dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
                                               enum dma_data_direction dir)
{
    (void)dev;
    (void)addr;
    (void)size;
    check_direction("dma_sync_single_for_cpu", dir, _RET_IP_);
    dma_keep_void();
}

void __dma_intercepted dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
                                                  enum dma_data_direction dir)
{
    (void)dev;
    (void)addr;
    (void)size;
    check_direction("dma_sync_single_for_device", dir, _RET_IP_);
    dma_keep_void();
}

void __dma_intercepted dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nents,
                                           enum dma_data_direction dir)
{
    (void)dev;
    (void)sg;
    (void)nents;
    check_direction("dma_sync_sg_for_cpu", dir, _RET_IP_);
    dma_keep_void();
}

void __dma_intercepted dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nents,
                                              enum dma_data_direction dir)
{
    (void)dev;
    (void)sg;
    (void)nents;
    check_direction("dma_sync_sg_for_device", dir, _RET_IP_);
    dma_keep_void();
}

void __dma_intercepted debug_dma_mapping_error(struct device *dev, dma_addr_t addr)
{
    (void)dev;
    (void)addr;
    dma_keep_void();
}
