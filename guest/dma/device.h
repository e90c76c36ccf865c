/* struct device: the part of Linux's device model the DMA API needs (the addressing limits). */
#ifndef GUEST_DMA_DEVICE_H
#define GUEST_DMA_DEVICE_H

#include "lib/types.h"

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

/* A device's scatter-gather limits (Linux's struct device_dma_parameters), owned by its bus. */
struct device_dma_parameters {
    unsigned int max_segment_size;        /* longest segment one descriptor can carry */
    unsigned long segment_boundary_mask;  /* a segment may not cross a (mask + 1)-aligned boundary */
};

struct device {
    const char *name;
    u64 dma_mask;           /* highest bus address the device can reach in streaming DMA */
    u64 coherent_dma_mask;  /* the same for dma_alloc_coherent buffers */
    struct device_dma_parameters *dma_parms;   /* NULL: Linux's defaults, 64 KiB and no boundary */
};

/* Where the host reads the limits (the built-in DMA API description's device_layout line). */
_Static_assert(__builtin_offsetof(struct device, dma_parms) == 20, "device_layout dma_parms=20");
_Static_assert(__builtin_offsetof(struct device_dma_parameters, segment_boundary_mask) == 4,
               "device_layout segment_boundary_mask=4");

#endif
