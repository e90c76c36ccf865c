/*
 * dma_vmalloc_virt_to_phys: the classic driver bug. The driver receives into a vmalloc buffer
 * and hands the device virt_to_phys(buffer) instead of mapping it. virt_to_phys is only the
 * direct map's arithmetic (address - PAGE_OFFSET); for a vmalloc address it names frames that
 * have nothing to do with the buffer (mm's debug build prints a `BUG: virt_to_phys: ... (vmalloc/
 * ioremap area)` line, as expected). The device is first loaded correctly from a mapped GFP_DMA
 * kmalloc buffer, then told to write its buffer to that bogus bus address.
 *
 * On ia32emu the strict edu rejects the write; nothing moves. Which rule depends on the layout:
 * with the default board (1 GiB, vmalloc addresses from 0xF8800000) the bus address is about
 * 0x389xxxxx, beyond the 28-bit mask: rule 3 above_dma_mask. With `vmalloc=768M` lowmem ends
 * near 240 MiB, so the bus address (about 0x0F9xxxxx) is RAM within the mask and the engine finds
 * no live DMA mapping there: rule 5. Either way:
 *   7 (GUEST_EXIT_DMA_REJECTED)  `dma: device -> virt_to_phys(vmalloc): rejected by the device (rule N name)`
 * Under QEMU the device writes 4095 bytes into whatever frames sit at that bus address (after
 * clamping it to the mask, with an `EDU: clamping DMA ...` line from QEMU, in the default layout;
 * silently with vmalloc=768M). The vmalloc buffer never receives the data, and the guest says so:
 *   8 (GUEST_EXIT_DMA_CORRUPT)   `dma: virt_to_phys(vmalloc) transfer: data differs from byte 0 on`
 * Other exits: 1 no edu device, a timeout, or the data arriving intact (the bug not shown);
 * 5 allocation failure; 9 the DMA API refused the legitimate kmalloc buffer.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "scenarios/dma_common.h"

#define SEED 0x76327068
#define VBUF_SIZE (2 * PAGE_SIZE)

/* Puts the pattern into the device's buffer the correct way. */
static int load_device(struct edu *edu)
{
    struct device *dev = &edu->pdev.dev;
    u8 *kbuf = kmalloc(DMA_TEST_LEN, GFP_DMA);
    if (!kbuf) {
        printk("dma: kmalloc(GFP_DMA) failed\n");
        return GUEST_EXIT_OOM;
    }
    dma_fill(kbuf, DMA_TEST_LEN, SEED);
    int ret;
    dma_addr_t bus = dma_map_single(dev, kbuf, DMA_TEST_LEN, DMA_TO_DEVICE);
    if (dma_mapping_error(dev, bus)) {
        printk("dma: dma_map_single refused the kmalloc buffer\n");
        ret = GUEST_EXIT_DMA_REFUSED;
    } else {
        ret = dma_expect_done(edu, edu_dma_to_device(edu, bus, 0, DMA_TEST_LEN), "RAM -> device");
        dma_unmap_single(dev, bus, DMA_TEST_LEN, DMA_TO_DEVICE);
    }
    kfree(kbuf);
    return ret;
}

static int receive_buggy(struct edu *edu, u8 *vbuf)
{
    memset(vbuf, 0, VBUF_SIZE);
    printk("dma: handing the device virt_to_phys() of a vmalloc buffer\n");
    dma_addr_t bus = (dma_addr_t)virt_to_phys(vbuf);
    enum edu_dma_result r = edu_dma_to_ram(edu, 0, bus, DMA_TEST_LEN);
    if (r == EDU_DMA_REJECTED) {
        dma_print_rejection(edu, "device -> virt_to_phys(vmalloc)");
        return GUEST_EXIT_DMA_REJECTED;
    }
    if (r != EDU_DMA_DONE)
        return dma_expect_done(edu, r, "device -> virt_to_phys(vmalloc)");
    int ret = dma_expect_pattern(vbuf, DMA_TEST_LEN, SEED, "virt_to_phys(vmalloc) transfer");
    if (ret == GUEST_EXIT_OK) {
        printk("dma: the data reached the vmalloc buffer: bug not reproduced\n");
        return GUEST_EXIT_TEST_FAILED;
    }
    printk("dma: the device wrote to frames that are not the buffer's\n");
    return ret;
}

int scenario_dma_vmalloc_virt_to_phys(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    ret = load_device(&edu);
    if (ret == GUEST_EXIT_OK) {
        u8 *vbuf = vmalloc(VBUF_SIZE);
        if (!vbuf) {
            printk("dma: vmalloc failed\n");
            ret = GUEST_EXIT_OOM;
        } else {
            ret = receive_buggy(&edu, vbuf);
            vfree(vbuf);
        }
    }
    edu_remove(&edu);
    return ret;
}
