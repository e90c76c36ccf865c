/* edu driver: PCI probe, register checks, and DMA that sleeps for its completion interrupt. */
#include "drivers/edu.h"
#include "arch/irq.h"
#include "devices/abi/qemu_pci_ids.h"
#include "lib/printk.h"
#include "mm/io.h"

/*
 * Upper bound on command-register polls (without an interrupt line, or to see the engine idle). ia32emu completes a transfer in modelled cycles and
 * QEMU after 100 ms of virtual time, both far below this; it only stops a broken device from
 * hanging the run.
 */
#define EDU_POLL_LIMIT 200000000u
#define EDU_LIVENESS_PROBE 0x5a0ff0a5u

static u32 edu_read(const struct edu *edu, u32 reg)
{
    return readl((const volatile u8 *)edu->regs + reg);
}

static void edu_write(struct edu *edu, u32 reg, u32 val)
{
    writel(val, (volatile u8 *)edu->regs + reg);
}

/* Level-triggered: the status must be acknowledged before the EOI, or the line fires again. */
static void edu_interrupt(unsigned irq, void *data)
{
    (void)irq;
    struct edu *edu = data;
    u32 status = edu_read(edu, EDU_IRQ_STATUS);
    edu_write(edu, EDU_IRQ_ACK, status);
    if (status & EDU_IRQ_DMA)
        edu->dma_interrupts++;
}

/* The line is 0xff ("unknown") when no firmware routed one; IRQ 0 is the timer's. */
static int edu_request_irq(struct edu *edu)
{
    u32 line = pci_read_config_dword(&edu->pdev, PCI_INTERRUPT_LINE) & 0xff;
    if (line == 0 || line >= I8259_NR_IRQS || request_irq(line, edu_interrupt, edu) != 0)
        return -1;
    return (int)line;
}

int edu_probe(struct edu *edu)
{
    if (!pci_find_device(PCI_VENDOR_QEMU, EDU_DEVICE_ID, &edu->pdev)) {
        printk("edu: no device %04x:%04x on bus 0\n", PCI_VENDOR_QEMU, EDU_DEVICE_ID);
        return -1;
    }
    struct pci_dev *pdev = &edu->pdev;
    pdev->dev.name = "edu";
    if (pci_resource_len(pdev, EDU_MMIO_BAR) < EDU_MMIO_SIZE ||
        (pdev->resource_flags[EDU_MMIO_BAR] & PCI_BAR_IO)) {
        printk("edu: BAR%d is not a %u KiB memory BAR\n", EDU_MMIO_BAR, EDU_MMIO_SIZE >> 10);
        return -1;
    }
    pci_enable_device(pdev);
    edu->regs = ioremap(pci_resource_start(pdev, EDU_MMIO_BAR), EDU_MMIO_SIZE);
    if (!edu->regs) {
        printk("edu: ioremap of BAR%d failed\n", EDU_MMIO_BAR);
        return -1;
    }

    u32 ident = edu_read(edu, EDU_IDENT);
    if ((ident & 0xffff) != (EDU_IDENT_VALUE & 0xffff)) {
        printk("edu: identification 0x%08x is not an edu device\n", ident);
        iounmap(edu->regs);
        return -1;
    }
    edu_write(edu, EDU_LIVENESS, EDU_LIVENESS_PROBE);
    u32 inverse = edu_read(edu, EDU_LIVENESS);
    if (inverse != ~EDU_LIVENESS_PROBE) {
        printk("edu: liveness check failed: wrote 0x%08x, read 0x%08x\n", EDU_LIVENESS_PROBE, inverse);
        iounmap(edu->regs);
        return -1;
    }
    printk("edu: version %u.%u, liveness ok\n", ident >> 24, (ident >> 16) & 0xff);

    if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS)) != 0) {
        printk("edu: %d-bit DMA mask not supported\n", EDU_DMA_BITS);
        iounmap(edu->regs);
        return -1;
    }
    /* One transfer moves at most the device's buffer, and (as on many real engines) a segment
     * may not cross a 64 KiB boundary. */
    dma_set_max_seg_size(&pdev->dev, EDU_BUFFER_SIZE);
    dma_set_seg_boundary(&pdev->dev, EDU_SEG_BOUNDARY);
    pci_set_master(pdev);
    edu->last_status = 0;
    edu->dma_interrupts = 0;
    edu->irq = edu_request_irq(edu);
    if (edu->irq >= 0)
        printk("edu: DMA completion by interrupt on IRQ %d\n", edu->irq);
    else
        printk("edu: no interrupt line, DMA completion is polled\n");
    return 0;
}

void edu_remove(struct edu *edu)
{
    if (edu->irq >= 0)
        free_irq((unsigned)edu->irq);
    edu->irq = -1;
    pci_clear_master(&edu->pdev);
    iounmap(edu->regs);
    edu->regs = NULL;
}

static bool wait_idle(struct edu *edu)
{
    for (u32 i = 0; i < EDU_POLL_LIMIT; i++)
        if (!(edu_read(edu, EDU_DMA_CMD) & EDU_DMA_CMD_START))
            return true;
    return false;
}

/*
 * The doorbell: kept out of line so a rejected transfer's report names this function. The
 * 64-bit address registers are written through their low halves, which clears the high halves.
 */
static __attribute__((noinline)) void edu_dma_start(struct edu *edu, u32 src, u32 dst, u32 len, u32 cmd)
{
    edu_write(edu, EDU_DMA_SRC, src);
    edu_write(edu, EDU_DMA_DST, dst);
    edu_write(edu, EDU_DMA_COUNT, len);
    edu_write(edu, EDU_DMA_CMD, cmd | EDU_DMA_CMD_START);
}

static enum edu_dma_result edu_dma(struct edu *edu, u32 src, u32 dst, u32 len, u32 cmd)
{
    if (!wait_idle(edu)) {
        printk("edu: DMA engine stuck busy\n");
        return EDU_DMA_TIMEOUT;
    }
    if (edu->irq >= 0) {
        u32 seen = edu->dma_interrupts;
        edu_dma_start(edu, src, dst, len, cmd | EDU_DMA_CMD_IRQ);
        while (edu->dma_interrupts == seen)
            irq_sleep();
    } else {
        edu_dma_start(edu, src, dst, len, cmd);
    }
    if (!wait_idle(edu)) {
        printk("edu: DMA did not complete\n");
        return EDU_DMA_TIMEOUT;
    }
    edu->last_status = edu_read(edu, EDU_STATUS);
    return (edu->last_status & EDU_STATUS_DMA_REJECTED) ? EDU_DMA_REJECTED : EDU_DMA_DONE;
}

enum edu_dma_result edu_dma_to_device(struct edu *edu, dma_addr_t bus, u32 dev_off, u32 len)
{
    return edu_dma(edu, bus, EDU_BUFFER_OFFSET + dev_off, len, 0);
}

enum edu_dma_result edu_dma_to_ram(struct edu *edu, u32 dev_off, dma_addr_t bus, u32 len)
{
    return edu_dma(edu, EDU_BUFFER_OFFSET + dev_off, bus, len, EDU_DMA_CMD_TO_RAM);
}

unsigned int edu_rejected_rule(const struct edu *edu)
{
    if (!(edu->last_status & EDU_STATUS_DMA_REJECTED))
        return 0;
    return (edu->last_status & EDU_STATUS_DMA_RULE_MASK) >> EDU_STATUS_DMA_RULE_SHIFT;
}

const char *edu_rule_name(unsigned int rule)
{
    switch (rule) {
    case EDU_DMA_RULE_BUS_MASTER_OFF:
        return "bus_master_off";
    case EDU_DMA_RULE_DEVICE_RANGE:
        return "device_buffer_range";
    case EDU_DMA_RULE_ABOVE_MASK:
        return "above_dma_mask";
    case EDU_DMA_RULE_NOT_RAM:
        return "not_ram";
    case EDU_DMA_RULE_NO_MAPPING:
        return "no_live_mapping";
    default:
        return "unknown";
    }
}
