/*
 * Driver for the edu DMA engine (PCI 1234:11e8, devices/abi/edu.h): probe, and DMA between RAM
 * and the device's 4 KiB buffer. A transfer sleeps in `hlt` until the device's completion
 * interrupt (INTA#, on the 8259 line the firmware wrote into the interrupt line register); on a
 * board that routes no line it polls the command register instead.
 */
#ifndef GUEST_DRIVERS_EDU_H
#define GUEST_DRIVERS_EDU_H

#include "devices/abi/edu.h"
#include "dma/dma-mapping.h"
#include "drivers/pci.h"

/* The device's own addressing limit (QEMU's default dma_mask; ia32emu's board default). */
#define EDU_DMA_BITS 28
/*
 * The longest transfer that also works on QEMU 7.2, whose range check rejects (and aborts on) a
 * transfer that ends exactly at the end of the 4 KiB buffer.
 */
#define EDU_DMA_MAX_PORTABLE (EDU_BUFFER_SIZE - 1)
/* Segment boundary the driver declares (dma_set_seg_boundary): no segment crosses 64 KiB. */
#define EDU_SEG_BOUNDARY 0xffffUL

enum edu_dma_result {
    EDU_DMA_DONE,      /* the start bit cleared and no error was flagged */
    EDU_DMA_REJECTED,  /* ia32emu's strict engine refused it: nothing moved */
    EDU_DMA_TIMEOUT,   /* the start bit never cleared */
};

struct edu {
    struct pci_dev pdev;
    void *regs;        /* BAR0 through ioremap */
    u32 last_status;   /* EDU_STATUS after the last transfer */
    int irq;           /* the 8259 line in use, or -1: completion is polled */
    volatile u32 dma_interrupts;   /* completions the interrupt handler has seen */
};

/*
 * Finds the device, maps BAR0, checks the identification and liveness registers, enables bus
 * mastering, sets the 28-bit DMA mask and takes its interrupt line. 0 on success; otherwise prints an `edu:` line and
 * returns -1 (no device, bad identification or mapping failure).
 */
int edu_probe(struct edu *edu);
void edu_remove(struct edu *edu);

/* One transfer of len bytes between bus address `bus` and buffer offset dev_off (0..4095). */
enum edu_dma_result edu_dma_to_device(struct edu *edu, dma_addr_t bus, u32 dev_off, u32 len);
enum edu_dma_result edu_dma_to_ram(struct edu *edu, u32 dev_off, dma_addr_t bus, u32 len);

/* The rule (EDU_DMA_RULE_*) behind the last rejection, 0 if none. */
unsigned int edu_rejected_rule(const struct edu *edu);
const char *edu_rule_name(unsigned int rule);

#endif
