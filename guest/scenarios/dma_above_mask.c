/*
 * dma_above_mask: the device's DMA mask is 28 bits (256 MiB). Part one: the device is loaded with
 * a pattern (correctly, from a mapped GFP_DMA buffer) and told to write it to a highmem page
 * (alloc_pages(GFP_HIGHMEM)) whose physical address is above the mask, handed over by
 * page_to_phys, bypassing the DMA API (which would have refused it). Part two: the same write to a
 * GFP_DMA kmalloc buffer mapped with dma_map_single, which must work.
 *
 * Needs RAM above 256 MiB and highmem (the default 1 GiB board has both); otherwise exit 1.
 *
 * Exit codes, when part two works (`dma: GFP_DMA buffer received the data`):
 *   7 (GUEST_EXIT_DMA_REJECTED)  ia32emu: part one rejected, rule 3 above_dma_mask, nothing moved
 *                                (`dma: device -> highmem page: rejected by the device (rule 3 above_dma_mask)`)
 *   8 (GUEST_EXIT_DMA_CORRUPT)   QEMU: the device clamps the address to the mask (`EDU: clamping
 *                                DMA ...` from QEMU) and writes to the alias 256 MiB-multiple lower;
 *                                the highmem page does not get the data
 *   1 (GUEST_EXIT_TEST_FAILED)   part one's data arrived (the device ignored its mask), no page
 *                                above the mask, no edu device, or a timeout
 * When part two fails, its own code: 9 refused by the DMA API, 7 rejected, 8 corrupt. 5: out of memory.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/highmem.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "scenarios/dma_common.h"

#define SEED 0x61626d6b

/* A mapped transfer of kbuf in direction dir; to_ram picks which way the device moves the data. */
static int mapped_transfer(struct edu *edu, u8 *kbuf, bool to_ram, const char *what)
{
    struct device *dev = &edu->pdev.dev;
    enum dma_data_direction dir = to_ram ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
    dma_addr_t bus = dma_map_single(dev, kbuf, DMA_TEST_LEN, dir);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the GFP_DMA buffer\n");
        return GUEST_EXIT_DMA_REFUSED;
    }
    enum edu_dma_result r = to_ram ? edu_dma_to_ram(edu, 0, bus, DMA_TEST_LEN)
                                   : edu_dma_to_device(edu, bus, 0, DMA_TEST_LEN);
    dma_unmap_single(dev, bus, DMA_TEST_LEN, dir);
    return dma_expect_done(edu, r, what);
}

/* Part one: GUEST_EXIT_DMA_REJECTED, GUEST_EXIT_DMA_CORRUPT, or GUEST_EXIT_TEST_FAILED. */
static int write_above_mask(struct edu *edu, struct page *page)
{
    u8 *va = kmap(page);
    memset(va, 0, PAGE_SIZE);
    kunmap(page);
    printk("dma: handing the device a highmem page above its %d-bit mask\n", EDU_DMA_BITS);
    enum edu_dma_result r = edu_dma_to_ram(edu, 0, (dma_addr_t)page_to_phys(page), DMA_TEST_LEN);
    if (r == EDU_DMA_REJECTED) {
        dma_print_rejection(edu, "device -> highmem page");
        return GUEST_EXIT_DMA_REJECTED;
    }
    if (r != EDU_DMA_DONE)
        return dma_expect_done(edu, r, "device -> highmem page");
    va = kmap(page);
    int ret = dma_expect_pattern(va, DMA_TEST_LEN, SEED, "highmem page");
    kunmap(page);
    if (ret == GUEST_EXIT_OK) {
        printk("dma: the device reached memory above its mask\n");
        return GUEST_EXIT_TEST_FAILED;
    }
    printk("dma: the data went to other frames than the page's\n");
    return ret;
}

static int run(struct edu *edu, u8 *kbuf, struct page *page)
{
    dma_fill(kbuf, DMA_TEST_LEN, SEED);
    int ret = mapped_transfer(edu, kbuf, false, "RAM -> device");
    if (ret != GUEST_EXIT_OK)
        return ret;
    int first = write_above_mask(edu, page);

    memset(kbuf, 0, DMA_TEST_LEN);
    ret = mapped_transfer(edu, kbuf, true, "device -> GFP_DMA buffer");
    if (ret == GUEST_EXIT_OK)
        ret = dma_expect_pattern(kbuf, DMA_TEST_LEN, SEED, "GFP_DMA buffer");
    if (ret != GUEST_EXIT_OK)
        return ret;
    printk("dma: GFP_DMA buffer received the data\n");
    return first;
}

int scenario_dma_above_mask(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    struct page *page = alloc_pages(GFP_HIGHMEM, 0);
    u8 *kbuf = kmalloc(DMA_TEST_LEN, GFP_DMA);
    if (!page || !kbuf) {
        printk("dma: allocation failed\n");
        return GUEST_EXIT_OOM;
    }
    if (!PageHighMem(page) || (u64)page_to_phys(page) <= edu.pdev.dev.dma_mask) {
        printk("dma: no highmem page above the %d-bit mask (needs more than 256 MiB of RAM)\n",
               EDU_DMA_BITS);
        ret = GUEST_EXIT_TEST_FAILED;
    } else {
        ret = run(&edu, kbuf, page);
    }
    kfree(kbuf);
    __free_page(page);
    edu_remove(&edu);
    return ret;
}
