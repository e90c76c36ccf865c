/*
 * dma_after_free: a driver keeps a bus address after the buffer behind it is gone. A 512-byte
 * kmalloc(GFP_DMA) buffer is mapped, used for a correct RAM -> device transfer, unmapped and
 * freed; then the driver starts a device -> RAM transfer to the stale bus address.
 *
 * On ia32emu the strict edu finds no live DMA mapping for the range and rejects the transfer
 * (rule 5; the report names the frames and their owner: a free slab object); nothing moves:
 *   7 (GUEST_EXIT_DMA_REJECTED)  `dma: device -> stale bus address: rejected by the device (rule 5 ...)`
 * Under QEMU (as on hardware) the device writes into the freed object. The guest looks at the
 * freed memory and finds the device's data there instead of the slab's free poison:
 *   8 (GUEST_EXIT_DMA_CORRUPT)   `dma: the device wrote into freed memory`
 * Other exits: 1 no edu device, a timeout, or freed memory unchanged after a completed
 * transfer; 5 kmalloc failed; 9 the DMA API refused the kmalloc buffer.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "mm/slab.h"
#include "scenarios/dma_common.h"

#define SEED 0x75616672
#define BUF_LEN 512

static int stale_write(struct edu *edu, const u8 *freed, dma_addr_t stale)
{
    enum edu_dma_result r = edu_dma_to_ram(edu, 0, stale, BUF_LEN);
    if (r == EDU_DMA_REJECTED) {
        dma_print_rejection(edu, "device -> stale bus address");
        return GUEST_EXIT_DMA_REJECTED;
    }
    if (r != EDU_DMA_DONE)
        return dma_expect_done(edu, r, "device -> stale bus address");
    /* Reading freed memory is itself a bug in a real driver; here it is the evidence. */
    if (dma_mismatch(freed, BUF_LEN, SEED) == BUF_LEN) {
        printk("dma: the device wrote into freed memory\n");
        return GUEST_EXIT_DMA_CORRUPT;
    }
    printk("dma: transfer completed but freed memory is unchanged\n");
    return GUEST_EXIT_TEST_FAILED;
}

int scenario_dma_after_free(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    struct device *dev = &edu.pdev.dev;
    u8 *buf = kmalloc(BUF_LEN, GFP_DMA);
    if (!buf) {
        printk("dma: kmalloc(GFP_DMA) failed\n");
        return GUEST_EXIT_OOM;
    }
    dma_fill(buf, BUF_LEN, SEED);
    dma_addr_t bus = dma_map_single(dev, buf, BUF_LEN, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the kmalloc buffer\n");
        kfree(buf);
        return GUEST_EXIT_DMA_REFUSED;
    }
    ret = dma_expect_done(&edu, edu_dma_to_device(&edu, bus, 0, BUF_LEN), "RAM -> device");
    dma_unmap_single(dev, bus, BUF_LEN, DMA_TO_DEVICE);
    kfree(buf);
    if (ret == GUEST_EXIT_OK) {
        printk("dma: buffer unmapped and freed; starting a transfer to its old bus address\n");
        ret = stale_write(&edu, buf, bus);
    }
    edu_remove(&edu);
    return ret;
}
