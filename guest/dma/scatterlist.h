/*
 * Scatter-gather lists as in Linux: an array of segments, each a page, an offset and a length,
 * plus the bus address and length the DMA API fills in. The layout is part of the host contract
 * (the host reads the segments of dma_map_sg/dma_unmap_sg): five 32-bit words, 20 bytes each,
 *   +0 page_link (struct page * | SG_CHAIN | SG_END)  +4 offset  +8 length
 *   +12 dma_address  +16 dma_length
 * Chained tables are not supported: a list is one array whose last entry carries SG_END.
 */
#ifndef GUEST_DMA_SCATTERLIST_H
#define GUEST_DMA_SCATTERLIST_H

#include "lib/string.h"
#include "lib/types.h"

typedef u32 dma_addr_t;

struct page;

struct scatterlist {
    unsigned long page_link;
    unsigned int offset;
    unsigned int length;
    dma_addr_t dma_address;
    unsigned int dma_length;
};

#define SG_CHAIN 0x01UL
#define SG_END 0x02UL
#define SG_PAGE_LINK_MASK (SG_CHAIN | SG_END)

#define sg_dma_address(sg) ((sg)->dma_address)
#define sg_dma_len(sg) ((sg)->dma_length)

static inline bool sg_is_last(const struct scatterlist *sg)
{
    return sg->page_link & SG_END;
}

static inline struct page *sg_page(const struct scatterlist *sg)
{
    return (struct page *)(sg->page_link & ~SG_PAGE_LINK_MASK);
}

static inline void sg_mark_end(struct scatterlist *sg)
{
    sg->page_link = (sg->page_link & ~SG_CHAIN) | SG_END;
}

static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
    memset(sgl, 0, sizeof(*sgl) * nents);
    sg_mark_end(&sgl[nents - 1]);
}

static inline void sg_set_page(struct scatterlist *sg, struct page *page, unsigned int len,
                               unsigned int offset)
{
    sg->page_link = (unsigned long)page | (sg->page_link & SG_PAGE_LINK_MASK);
    sg->offset = offset;
    sg->length = len;
}

static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
    return sg_is_last(sg) ? NULL : sg + 1;
}

#define for_each_sg(sglist, sg, nr, i) \
    for ((i) = 0, (sg) = (sglist); (i) < (nr); (i)++, (sg) = sg_next(sg))

#endif
