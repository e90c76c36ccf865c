/*
 * dma_check_flood (hostile): leaks streaming mappings up to the emulator's cap on live DMA
 * mappings (DmaChecks::kMaxLiveMappings, 16,384), then rings the edu doorbell without end for a
 * transfer from a buffer no mapping covers. The device refuses each one, after the emulator has
 * checked it against every live mapping: host work inside a block of doorbell writes, which the
 * wall-clock limit must still stop. Never returns once the mappings are made.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "devices/abi/edu.h"
#include "dma/dma-mapping.h"
#include "lib/printk.h"
#include "mm/io.h"
#include "mm/layout.h"
#include "mm/slab.h"
#include "scenarios/dma_common.h"

#define LEAKED_MAPPINGS 16384
#define BUFFER_BYTES 64
/* Written out, not looped: a loop would be a block per doorbell, and blocks are where the clock is read. */
#define RING(regs) writel(EDU_DMA_CMD_START, (regs) + EDU_DMA_CMD)
#define RING4(regs) RING(regs); RING(regs); RING(regs); RING(regs)
#define RING16(regs) RING4(regs); RING4(regs); RING4(regs); RING4(regs)
#define RING64(regs) RING16(regs); RING16(regs); RING16(regs); RING16(regs)

int scenario_dma_check_flood(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    struct device *dev = &edu.pdev.dev;
    u8 *mapped = kmalloc(BUFFER_BYTES, GFP_DMA);
    u8 *unmapped = kmalloc(BUFFER_BYTES, GFP_DMA);
    if (!mapped || !unmapped) {
        printk("dma: kmalloc(GFP_DMA) failed\n");
        return GUEST_EXIT_OOM;
    }
    for (int i = 0; i < LEAKED_MAPPINGS; i++)
        if (dma_mapping_error(dev, dma_map_single(dev, mapped, BUFFER_BYTES, DMA_TO_DEVICE))) {
            printk("dma: dma_map_single refused mapping %d\n", i);
            return GUEST_EXIT_DMA_REFUSED;
        }
    printk("dma: %d mappings leaked, ringing the doorbell without end\n", LEAKED_MAPPINGS);
    volatile u8 *regs = edu.regs;
    writel((u32)virt_to_phys(unmapped), regs + EDU_DMA_SRC);
    writel(EDU_BUFFER_OFFSET, regs + EDU_DMA_DST);
    writel(BUFFER_BYTES, regs + EDU_DMA_COUNT);
    for (;;) {
        RING64(regs);
        RING64(regs);
    }
}
