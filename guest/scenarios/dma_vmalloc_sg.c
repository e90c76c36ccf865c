/*
 * dma_vmalloc_sg: the correct way to DMA a virtually contiguous buffer. Two 4-page buffers in the
 * vmalloc area are described page by page: one scatterlist entry per page, found with
 * vmalloc_to_page, mapped with dma_map_sg. Each segment is then moved on its own (in 2 KiB
 * chunks, since QEMU 7.2 cannot move a whole 4 KiB page), source -> device -> destination, and
 * the destination must equal the source.
 *
 * The buffers' pages come from ZONE_DMA: vmalloc() takes highmem pages, which lie above the
 * edu's 28-bit mask on a 1 GiB board, and without bounce buffers dma_map_sg refuses them. Linux
 * writes this __vmalloc(size, GFP_DMA); here the pages are allocated one by one and vmap()ed,
 * which is what that call does.
 *
 * Output and exit code are the same under QEMU and ia32emu:
 *   0 (GUEST_EXIT_OK)            `dma: scatter-gather round trip of 4 pages ok`
 *   9 (GUEST_EXIT_DMA_REFUSED)   dma_map_sg refused a segment
 *   7 (GUEST_EXIT_DMA_REJECTED)  the device rejected a segment (ia32emu only; a bug here)
 *   8 (GUEST_EXIT_DMA_CORRUPT)   the data came back different
 *   1 (GUEST_EXIT_TEST_FAILED)   no edu device or a timeout;  5: out of memory
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"
#include "scenarios/dma_common.h"

#define SEED 0x76736721
#define NPAGES 4
#define CHUNK 2048

struct vbuf {
    u8 *addr;
    struct page *pages[NPAGES];
    struct scatterlist sg[NPAGES];
};

static bool vbuf_alloc(struct vbuf *b)
{
    memset(b, 0, sizeof(*b));
    for (int i = 0; i < NPAGES; i++) {
        b->pages[i] = alloc_page(GFP_DMA);
        if (!b->pages[i])
            return false;
    }
    b->addr = vmap(b->pages, NPAGES, VM_MAP, PAGE_KERNEL);
    return b->addr != NULL;
}

static void vbuf_free(struct vbuf *b)
{
    if (b->addr)
        vunmap(b->addr);
    for (int i = 0; i < NPAGES; i++)
        if (b->pages[i])
            __free_page(b->pages[i]);
}

/* The scatterlist a driver builds for any vmalloc-area buffer: the page behind each address. */
static void vbuf_build_sg(struct vbuf *b)
{
    sg_init_table(b->sg, NPAGES);
    for (int i = 0; i < NPAGES; i++)
        sg_set_page(&b->sg[i], vmalloc_to_page(b->addr + i * PAGE_SIZE), PAGE_SIZE, 0);
}

static int copy_segments(struct edu *edu, struct vbuf *src, struct vbuf *dst)
{
    for (int i = 0; i < NPAGES; i++) {
        for (u32 off = 0; off < PAGE_SIZE; off += CHUNK) {
            int ret = dma_expect_done(edu, edu_dma_to_device(edu, sg_dma_address(&src->sg[i]) + off, 0, CHUNK),
                                      "segment RAM -> device");
            if (ret == GUEST_EXIT_OK)
                ret = dma_expect_done(edu, edu_dma_to_ram(edu, 0, sg_dma_address(&dst->sg[i]) + off, CHUNK),
                                      "segment device -> RAM");
            if (ret != GUEST_EXIT_OK)
                return ret;
        }
    }
    return GUEST_EXIT_OK;
}

static int round_trip(struct edu *edu, struct vbuf *src, struct vbuf *dst)
{
    struct device *dev = &edu->pdev.dev;
    dma_fill(src->addr, NPAGES * PAGE_SIZE, SEED);
    memset(dst->addr, 0, NPAGES * PAGE_SIZE);
    vbuf_build_sg(src);
    vbuf_build_sg(dst);
    if (dma_map_sg(dev, src->sg, NPAGES, DMA_TO_DEVICE) != NPAGES) {
        printk("dma: dma_map_sg refused the source buffer\n");
        return GUEST_EXIT_DMA_REFUSED;
    }
    if (dma_map_sg(dev, dst->sg, NPAGES, DMA_FROM_DEVICE) != NPAGES) {
        printk("dma: dma_map_sg refused the destination buffer\n");
        dma_unmap_sg(dev, src->sg, NPAGES, DMA_TO_DEVICE);
        return GUEST_EXIT_DMA_REFUSED;
    }
    printk("dma: %d pages mapped as %d segments each way\n", NPAGES, NPAGES);
    int ret = copy_segments(edu, src, dst);
    dma_unmap_sg(dev, dst->sg, NPAGES, DMA_FROM_DEVICE);
    dma_unmap_sg(dev, src->sg, NPAGES, DMA_TO_DEVICE);
    if (ret == GUEST_EXIT_OK)
        ret = dma_expect_pattern(dst->addr, NPAGES * PAGE_SIZE, SEED, "scatter-gather round trip");
    if (ret == GUEST_EXIT_OK)
        printk("dma: scatter-gather round trip of %d pages ok\n", NPAGES);
    return ret;
}

int scenario_dma_vmalloc_sg(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    static struct vbuf src, dst;
    if (!vbuf_alloc(&src) || !vbuf_alloc(&dst)) {
        printk("dma: allocating the vmalloc-area buffers failed\n");
        ret = GUEST_EXIT_OOM;
    } else {
        ret = round_trip(&edu, &src, &dst);
    }
    vbuf_free(&dst);
    vbuf_free(&src);
    edu_remove(&edu);
    return ret;
}
