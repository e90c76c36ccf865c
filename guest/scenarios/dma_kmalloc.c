/*
 * dma_kmalloc: the textbook streaming-DMA round trip through the edu device. A kmalloc buffer
 * with a pattern is mapped DMA_TO_DEVICE and copied into the device's buffer; a second kmalloc
 * buffer is mapped DMA_FROM_DEVICE and receives it back; the two must match.
 *
 * Both buffers come from GFP_DMA: the edu reaches only 28 bits (256 MiB) and, as on Linux i386,
 * there are no bounce buffers, so dma_map_single refuses memory above the mask rather than
 * copying it. GFP_KERNEL memory on a 1 GiB board comes from the top of lowmem, out of reach.
 *
 * Output and exit code are the same under QEMU and ia32emu:
 *   0 (GUEST_EXIT_OK)            `dma: kmalloc round trip of 4095 bytes ok`
 *   9 (GUEST_EXIT_DMA_REFUSED)   the DMA API refused a mapping (a WARN line says why)
 *   7 (GUEST_EXIT_DMA_REJECTED)  the device rejected a transfer (ia32emu only; a bug here)
 *   8 (GUEST_EXIT_DMA_CORRUPT)   the data came back different
 *   1 (GUEST_EXIT_TEST_FAILED)   no edu device, or a transfer never completed
 *   5 (GUEST_EXIT_OOM)           kmalloc failed
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "scenarios/dma_common.h"

#define SEED 0x6b6d616c

static int round_trip(struct edu *edu, u8 *src, u8 *dst)
{
    struct device *dev = &edu->pdev.dev;
    dma_fill(src, DMA_TEST_LEN, SEED);
    memset(dst, 0, DMA_TEST_LEN);

    dma_addr_t bus = dma_map_single(dev, src, DMA_TEST_LEN, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the source buffer\n");
        return GUEST_EXIT_DMA_REFUSED;
    }
    enum edu_dma_result r = edu_dma_to_device(edu, bus, 0, DMA_TEST_LEN);
    dma_unmap_single(dev, bus, DMA_TEST_LEN, DMA_TO_DEVICE);
    int ret = dma_expect_done(edu, r, "RAM -> device");
    if (ret != GUEST_EXIT_OK)
        return ret;

    bus = dma_map_single(dev, dst, DMA_TEST_LEN, DMA_FROM_DEVICE);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the destination buffer\n");
        return GUEST_EXIT_DMA_REFUSED;
    }
    r = edu_dma_to_ram(edu, 0, bus, DMA_TEST_LEN);
    dma_unmap_single(dev, bus, DMA_TEST_LEN, DMA_FROM_DEVICE);
    ret = dma_expect_done(edu, r, "device -> RAM");
    if (ret != GUEST_EXIT_OK)
        return ret;

    ret = dma_expect_pattern(dst, DMA_TEST_LEN, SEED, "kmalloc round trip");
    if (ret == GUEST_EXIT_OK)
        printk("dma: kmalloc round trip of %u bytes ok\n", DMA_TEST_LEN);
    return ret;
}

int scenario_dma_kmalloc(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    u8 *src = kmalloc(DMA_TEST_LEN, GFP_DMA);
    u8 *dst = kmalloc(DMA_TEST_LEN, GFP_DMA);
    if (!src || !dst) {
        printk("dma: kmalloc(GFP_DMA) failed\n");
        return GUEST_EXIT_OOM;
    }
    ret = round_trip(&edu, src, dst);
    kfree(dst);
    kfree(src);
    edu_remove(&edu);
    return ret;
}
