/* struct device: the part of Linux's device model the DMA API needs (the addressing limits). */
#ifndef GUEST_DMA_DEVICE_H
#define GUEST_DMA_DEVICE_H

#include "lib/types.h"

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

struct device {
    const char *name;
    u64 dma_mask;           /* highest bus address the device can reach in streaming DMA */
    u64 coherent_dma_mask;  /* the same for dma_alloc_coherent buffers */
};

#endif
