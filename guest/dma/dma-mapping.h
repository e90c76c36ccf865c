/*
 * The DMA API with Linux's semantics (dma-direct: no IOMMU, no bounce buffers, so a bus address
 * is the physical address and a buffer the device cannot reach is refused, not bounced).
 *
 * The host intercepts the six mapping functions by symbol, the way Valgrind intercepts malloc:
 * at entry it reads the cdecl arguments from the stack, at return the result from EAX (and, for
 * dma_alloc_coherent, *dma_handle). So each is a real global function with exactly this name and
 * signature, standard i386 cdecl, one entry and one ret (see __dma_intercepted in dma/internal.h).
 * dma_addr_t is 32 bits, as on Linux i386 without PAE, so a result fits in EAX.
 */
#ifndef GUEST_DMA_DMA_MAPPING_H
#define GUEST_DMA_DMA_MAPPING_H

#include "dma/device.h"
#include "dma/scatterlist.h"
#include "mm/gfp.h"

enum dma_data_direction {
    DMA_BIDIRECTIONAL = 0,
    DMA_TO_DEVICE = 1,
    DMA_FROM_DEVICE = 2,
    DMA_NONE = 3,
};

#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

static inline bool valid_dma_direction(enum dma_data_direction dir)
{
    return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE;
}

/* Tells the host (as Linux's debug_dma_mapping_error tells dma-debug) that the result was checked. */
void debug_dma_mapping_error(struct device *dev, dma_addr_t addr);

static inline bool dma_mapping_error(struct device *dev, dma_addr_t addr)
{
    debug_dma_mapping_error(dev, addr);
    return addr == DMA_MAPPING_ERROR;
}

/* 0, or nonzero when the mask cannot cover ZONE_DMA (24 bits), where Linux returns -EIO. */
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
int dma_set_mask_and_coherent(struct device *dev, u64 mask);

/* Scatter-gather limits, as Linux's inline helpers: -1 (Linux's -EIO) when the bus gave none. */
static inline unsigned int dma_get_max_seg_size(struct device *dev)
{
    return dev->dma_parms && dev->dma_parms->max_segment_size ? dev->dma_parms->max_segment_size : 0x10000;
}

static inline int dma_set_max_seg_size(struct device *dev, unsigned int size)
{
    if (!dev->dma_parms)
        return -1;
    dev->dma_parms->max_segment_size = size;
    return 0;
}

static inline unsigned long dma_get_seg_boundary(struct device *dev)
{
    return dev->dma_parms && dev->dma_parms->segment_boundary_mask ? dev->dma_parms->segment_boundary_mask
                                                                   : ~0ul;
}

static inline int dma_set_seg_boundary(struct device *dev, unsigned long mask)
{
    if (!dev->dma_parms)
        return -1;
    dev->dma_parms->segment_boundary_mask = mask;
    return 0;
}

/*
 * Streaming mapping of a direct-mapped (kmalloc/__get_free_pages) buffer. Refuses, with a WARN
 * line and DMA_MAPPING_ERROR: vmalloc memory (`WARN: rejecting DMA map of vmalloc memory`, as
 * Linux since 5.5), other addresses outside the direct map, and buffers that end above
 * dev->dma_mask.
 */
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);

/*
 * Maps each segment of sg[0..nents) (page + offset + length; highmem pages allowed) to its bus
 * address in sg_dma_address/sg_dma_len. Returns nents, or 0 (nothing mapped) if a segment is out
 * of the device's reach. Segments are never merged.
 */
int dma_map_sg(struct device *dev, struct scatterlist *sg, int nents, enum dma_data_direction dir);
void dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents, enum dma_data_direction dir);

/*
 * Zeroed, physically contiguous memory below dev->coherent_dma_mask, in the direct map; its bus
 * address goes to *dma_handle. NULL on failure (*dma_handle untouched). x86 is cache-coherent, so
 * the memory is ordinary cached memory.
 */
/*
 * Ownership of a live streaming mapping: for_cpu before the CPU reads what the device wrote,
 * for_device before the device uses the buffer again. No work on x86; the host watches them.
 */
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);
void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nents, enum dma_data_direction dir);
void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nents, enum dma_data_direction dir);

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);

#endif
