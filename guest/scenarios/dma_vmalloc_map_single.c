/*
 * dma_vmalloc_map_single: a driver asks the DMA API to map a vmalloc buffer. Its pages are
 * contiguous only virtually, so no single bus address can describe it; like Linux since 5.5 the
 * API refuses with `WARN: rejecting DMA map of vmalloc memory caller=0x...` (the caller is this
 * scenario) and DMA_MAPPING_ERROR, and the device is never started. On ia32emu the host also
 * records the refused call from its dma_map_single intercept.
 *
 * Output and exit code are the same under QEMU and ia32emu:
 *   9 (GUEST_EXIT_DMA_REFUSED)   the expected outcome: `dma: dma_map_single refused the vmalloc buffer`
 *   1 (GUEST_EXIT_TEST_FAILED)   no edu device, or the API accepted the buffer
 *   5 (GUEST_EXIT_OOM)           vmalloc failed
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "mm/vmalloc.h"
#include "scenarios/dma_common.h"

#define SEED 0x766d6170
#define VBUF_SIZE (2 * PAGE_SIZE)

int scenario_dma_vmalloc_map_single(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    struct device *dev = &edu.pdev.dev;
    u8 *vbuf = vmalloc(VBUF_SIZE);
    if (!vbuf) {
        printk("dma: vmalloc failed\n");
        return GUEST_EXIT_OOM;
    }
    dma_fill(vbuf, VBUF_SIZE, SEED);
    dma_addr_t bus = dma_map_single(dev, vbuf, VBUF_SIZE, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the vmalloc buffer\n");
        ret = GUEST_EXIT_DMA_REFUSED;
    } else {
        printk("dma: dma_map_single accepted a vmalloc buffer\n");
        dma_unmap_single(dev, bus, VBUF_SIZE, DMA_TO_DEVICE);
        ret = GUEST_EXIT_TEST_FAILED;
    }
    vfree(vbuf);
    edu_remove(&edu);
    return ret;
}
