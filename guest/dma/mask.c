/* dma_set_mask and friends: what a driver declares its device can address. */
#include "dma/internal.h"

/* Below this a device could not even reach ZONE_DMA, so no allocation could serve it. */
#define DMA_MIN_MASK DMA_BIT_MASK(24)

int dma_set_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_MIN_MASK)
        return -1;
    dev->dma_mask = mask;
    return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_MIN_MASK)
        return -1;
    dev->coherent_dma_mask = mask;
    return 0;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
    int ret = dma_set_mask(dev, mask);
    if (ret == 0)
        ret = dma_set_coherent_mask(dev, mask);
    return ret;
}
