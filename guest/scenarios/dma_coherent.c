/*
 * dma_coherent: a dma_alloc_coherent buffer of two pages, shared by CPU and device for its whole
 * life. The CPU writes a pattern into the first page, the device copies it into its own buffer
 * and back into the second page, and the CPU reads it there. dma_alloc_coherent picks memory the
 * 28-bit device can reach by itself (retrying in ZONE_DMA), so no GFP_DMA is passed.
 *
 * Output and exit code are the same under QEMU and ia32emu:
 *   0 (GUEST_EXIT_OK)            `dma: coherent round trip of 4095 bytes ok`
 *   5 (GUEST_EXIT_OOM)           dma_alloc_coherent failed
 *   7 (GUEST_EXIT_DMA_REJECTED)  the device rejected a transfer (ia32emu only; a bug here)
 *   8 (GUEST_EXIT_DMA_CORRUPT)   the data came back different
 *   1 (GUEST_EXIT_TEST_FAILED)   no edu device, a transfer never completed, or the buffer lies
 *                                beyond the device's mask
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "mm/layout.h"
#include "scenarios/dma_common.h"

#define SEED 0x636f6865
#define COHERENT_SIZE (2 * PAGE_SIZE)

static int round_trip(struct edu *edu, u8 *cpu, dma_addr_t bus)
{
    dma_fill(cpu, DMA_TEST_LEN, SEED);
    int ret = dma_expect_done(edu, edu_dma_to_device(edu, bus, 0, DMA_TEST_LEN), "RAM -> device");
    if (ret != GUEST_EXIT_OK)
        return ret;
    ret = dma_expect_done(edu, edu_dma_to_ram(edu, 0, bus + PAGE_SIZE, DMA_TEST_LEN), "device -> RAM");
    if (ret != GUEST_EXIT_OK)
        return ret;
    ret = dma_expect_pattern(cpu + PAGE_SIZE, DMA_TEST_LEN, SEED, "coherent round trip");
    if (ret == GUEST_EXIT_OK)
        printk("dma: coherent round trip of %u bytes ok\n", DMA_TEST_LEN);
    return ret;
}

int scenario_dma_coherent(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    struct device *dev = &edu.pdev.dev;
    dma_addr_t bus;
    u8 *cpu = dma_alloc_coherent(dev, COHERENT_SIZE, &bus, GFP_KERNEL);
    if (!cpu) {
        printk("dma: dma_alloc_coherent failed\n");
        return GUEST_EXIT_OOM;
    }
    if ((u64)bus + COHERENT_SIZE - 1 > dev->coherent_dma_mask) {
        printk("dma: coherent buffer lies beyond the device's mask\n");
        ret = GUEST_EXIT_TEST_FAILED;
    } else {
        printk("dma: coherent buffer of %u bytes within the %d-bit mask\n", (unsigned int)COHERENT_SIZE,
               EDU_DMA_BITS);
        ret = round_trip(&edu, cpu, bus);
    }
    dma_free_coherent(dev, COHERENT_SIZE, cpu, bus);
    edu_remove(&edu);
    return ret;
}
