/*
 * dma_driver_bugs: a small receive/transmit ring driver ("ringdrv") written the way driver authors
 * write them, on top of the kernel's DMA API and the edu device, with one classic bug chosen by
 * bug=NAME (or none: the same driver done right). Its receive routine ringdrv_rx and transmit
 * routine ringdrv_tx ring the doorbell, so a fault's backtrace must name them.
 *
 *   none               every mapping checked, used in its direction, unmapped, then freed
 *   kfree_while_mapped an rx buffer is kfree()d while mapped, then a late receive lands in it
 *   sg_overlong        an sg entry of 8192 bytes over one page whose neighbour is someone else's
 *   wrong_direction    the device receives into a DMA_TO_DEVICE mapping
 *   overrun            a 2048-byte receive into a 512-byte mapping
 *   sg_seg_too_long    an sg entry of 8192 bytes for a device that takes 4 KiB segments
 *   sg_seg_boundary    an sg entry across the 64 KiB boundary the device declared
 *   read_before_sync   the receive path reads the packet header before dma_sync_single_for_cpu
 *   double_unmap       the tx buffer is unmapped twice
 *   unmap_size         unmapped with a different size than mapped
 *   unchecked          the map result is used without dma_mapping_error()
 *   leak               a mapping still live when the driver is done
 *   map_stack          a buffer on the stack is mapped
 *   map_rodata         a constant table in rodata is mapped for transmit
 *   sync_unmapped      dma_sync_single_for_cpu of an address never mapped
 *   bus_master_off     transmit after pci_clear_master()
 *   unmap_wrong_function  an sg list torn down entry by entry with dma_unmap_single
 *   unmap_sg_nents     dma_unmap_sg with 1 entry for a list mapped with 2
 *   sync_sg_nents      dma_sync_sg_for_cpu with 1 entry for a list mapped with 2
 *   free_cpu_address   dma_free_coherent with the ring's descriptor pointer, not its start
 *   sync_out_of_range  dma_sync_single_for_cpu of 2048 bytes on a 512-byte mapping
 *   sync_direction     an rx buffer recycled with dma_sync_single_for_device(DMA_TO_DEVICE)
 *   unmap_direction    an rx buffer unmapped with DMA_TO_DEVICE
 *   unmap_never_mapped teardown unmaps every ring slot, the never-filled one too (bus 0)
 *   shared_cacheline   a descriptor's status and header mapped apart, in one cacheline
 *   remap_leak         the refill path maps the same buffer 9 times and unmaps it once
 *   unmap_error        a vmalloc packet is mapped (refused), and the drop path unmaps the error
 *   sg_stack           a status block on the stack handed to the device through a scatterlist
 *   map_mmio           the driver maps the device's own ioremap()ed registers (refused, dropped)
 *
 * Exit 0 when every transfer completed (QEMU, or ia32emu with a bug only the API side sees);
 * 7 (GUEST_EXIT_DMA_REJECTED) when ia32emu's strict device refused one.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "drivers/pci.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "scenarios/dma_common.h"

#define RX_LEN 512

static const u8 ringdrv_pattern[RX_LEN] = { 0x52, 0x49, 0x4e, 0x47 };

struct ringdrv {
    struct edu *edu;
    struct device *dev;
    int rejected;
};

static __attribute__((noinline)) void ringdrv_rx(struct ringdrv *rd, dma_addr_t bus, u32 len)
{
    if (edu_dma_to_ram(rd->edu, 0, bus, len) == EDU_DMA_REJECTED) {
        dma_print_rejection(rd->edu, "ringdrv receive");
        rd->rejected = 1;
    }
}

static __attribute__((noinline)) void ringdrv_tx(struct ringdrv *rd, dma_addr_t bus, u32 len)
{
    if (edu_dma_to_device(rd->edu, bus, 0, len) == EDU_DMA_REJECTED) {
        dma_print_rejection(rd->edu, "ringdrv transmit");
        rd->rejected = 1;
    }
}

/* The receive path looks at a packet's header; the CPU may only do so once the buffer is its own. */
static __attribute__((noinline)) u32 ringdrv_peek(const volatile u8 *buf)
{
    return buf[0] | (u32)buf[1] << 8;
}

static __attribute__((noinline)) dma_addr_t ringdrv_map(struct ringdrv *rd, void *buf, u32 len,
                                                       enum dma_data_direction dir)
{
    dma_addr_t bus = dma_map_single(rd->dev, buf, len, dir);
    if (dma_mapping_error(rd->dev, bus))
        return 0;
    return bus;
}

static int rx_kfree_while_mapped(struct ringdrv *rd, bool bug)
{
    u8 *buf = kmalloc(RX_LEN, GFP_DMA);
    dma_addr_t bus = buf ? ringdrv_map(rd, buf, RX_LEN, DMA_FROM_DEVICE) : 0;
    if (!bus)
        return GUEST_EXIT_OOM;
    if (bug)
        kfree(buf);
    ringdrv_rx(rd, bus, RX_LEN);
    dma_unmap_single(rd->dev, bus, RX_LEN, DMA_FROM_DEVICE);
    if (!bug)
        kfree(buf);
    return GUEST_EXIT_OK;
}

/* Two pages the buddy allocator hands out next to each other, the second for another user. */
static int rx_sg(struct ringdrv *rd, bool bug)
{
    struct page *pages[8];
    struct page *mine = NULL;
    int n = 0;
    for (; n < 8 && !mine; n++) {
        pages[n] = alloc_pages(GFP_DMA, 0);
        if (!pages[n])
            return GUEST_EXIT_OOM;
        for (int j = 0; j < n; j++)
            if (page_to_pfn(pages[n]) == page_to_pfn(pages[j]) + 1)
                mine = pages[j];
    }
    if (!mine) {
        printk("dma: no two adjacent pages\n");
        return GUEST_EXIT_TEST_FAILED;
    }
    struct scatterlist sg;
    sg_init_table(&sg, 1);
    sg_set_page(&sg, mine, bug ? 8192 : 4096, 0);
    if (dma_map_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE) != 1)
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, sg_dma_address(&sg), DMA_TEST_LEN);
    if (bug)
        ringdrv_rx(rd, sg_dma_address(&sg) + 4096, DMA_TEST_LEN);
    dma_unmap_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE);
    for (int j = 0; j < n; j++)
        __free_pages(pages[j], 0);
    return GUEST_EXIT_OK;
}

/*
 * Segments the edu cannot take (edu_probe's dma_set_max_seg_size and dma_set_seg_boundary), from
 * one 128 KiB block the buddy allocator aligns to its size, so the 64 KiB boundary is inside it.
 */
static int rx_sg_limits(struct ringdrv *rd, bool too_long)
{
    struct page *block = alloc_pages(GFP_DMA, 5);
    if (!block)
        return GUEST_EXIT_OOM;
    struct scatterlist sg;
    sg_init_table(&sg, 1);
    if (too_long)
        sg_set_page(&sg, block, 8192, 0);
    else
        sg_set_page(&sg, block + 15, 4096, 2048);
    if (dma_map_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE) != 1)
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, sg_dma_address(&sg), DMA_TEST_LEN);
    dma_unmap_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE);
    __free_pages(block, 5);
    return GUEST_EXIT_OK;
}

static int rx_simple(struct ringdrv *rd, const char *bug)
{
    bool wrong_dir = !strcmp(bug, "wrong_direction"), overrun = !strcmp(bug, "overrun");
    bool early_read = !strcmp(bug, "read_before_sync");
    u8 *buf = kmalloc(4096, GFP_DMA);
    if (!buf)
        return GUEST_EXIT_OOM;
    enum dma_data_direction dir = wrong_dir ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
    dma_addr_t bus = ringdrv_map(rd, buf, RX_LEN, dir);
    if (!bus)
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, bus, overrun ? 2048 : RX_LEN);
    if (early_read)
        (void)ringdrv_peek(buf);
    dma_sync_single_for_cpu(rd->dev, bus, RX_LEN, dir);
    if (!wrong_dir)
        (void)ringdrv_peek(buf);
    dma_unmap_single(rd->dev, bus, RX_LEN, dir);
    kfree(buf);
    return GUEST_EXIT_OK;
}

static int tx_api(struct ringdrv *rd, const char *bug)
{
    u8 stack_buf[64];
    u8 *buf = kmalloc(RX_LEN, GFP_DMA);
    if (!buf)
        return GUEST_EXIT_OOM;
    void *what = buf;
    if (!strcmp(bug, "map_stack"))
        what = stack_buf;
    if (!strcmp(bug, "map_rodata"))
        what = (void *)ringdrv_pattern;
    u32 len = what == stack_buf ? sizeof stack_buf : RX_LEN;
    dma_addr_t bus = dma_map_single(rd->dev, what, len, DMA_TO_DEVICE);
    if (strcmp(bug, "unchecked") && dma_mapping_error(rd->dev, bus)) {
        kfree(buf);
        return GUEST_EXIT_DMA_REFUSED;
    }
    if (!strcmp(bug, "bus_master_off"))
        pci_clear_master(&rd->edu->pdev);
    ringdrv_tx(rd, bus, len);
    if (!strcmp(bug, "sync_unmapped"))
        dma_sync_single_for_cpu(rd->dev, bus + 0x100000, 64, DMA_TO_DEVICE);
    if (strcmp(bug, "leak"))
        dma_unmap_single(rd->dev, bus, !strcmp(bug, "unmap_size") ? len / 2 : len, DMA_TO_DEVICE);
    if (!strcmp(bug, "double_unmap"))
        dma_unmap_single(rd->dev, bus, len, DMA_TO_DEVICE);
    kfree(buf);
    return GUEST_EXIT_OK;
}

/* Receive completion of a scatterlist: the CPU takes the pages back before looking at them. */
static __attribute__((noinline)) void ringdrv_rx_sg_complete(struct ringdrv *rd, struct scatterlist *sg, int nents)
{
    dma_sync_sg_for_cpu(rd->dev, sg, nents, DMA_FROM_DEVICE);
}

static __attribute__((noinline)) void ringdrv_rx_sg_teardown(struct ringdrv *rd, struct scatterlist *sg, int nents,
                                                             bool per_entry)
{
    if (!per_entry) {
        dma_unmap_sg(rd->dev, sg, nents, DMA_FROM_DEVICE);
        return;
    }
    for (int i = 0; i < nents; i++)
        dma_unmap_single(rd->dev, sg_dma_address(&sg[i]), sg_dma_len(&sg[i]), DMA_FROM_DEVICE);
}

/* Two receive pages mapped as one scatterlist, completed and torn down as a list. */
static int rx_sg_list(struct ringdrv *rd, const char *bug)
{
    struct page *pages[2] = { alloc_pages(GFP_DMA, 0), alloc_pages(GFP_DMA, 0) };
    if (!pages[0] || !pages[1])
        return GUEST_EXIT_OOM;
    struct scatterlist sg[2];
    sg_init_table(sg, 2);
    for (int i = 0; i < 2; i++)
        sg_set_page(&sg[i], pages[i], PAGE_SIZE, 0);
    int mapped = dma_map_sg(rd->dev, sg, 2, DMA_FROM_DEVICE);
    if (mapped != 2)
        return GUEST_EXIT_DMA_REFUSED;
    for (int i = 0; i < mapped; i++)
        ringdrv_rx(rd, sg_dma_address(&sg[i]), DMA_TEST_LEN);
    ringdrv_rx_sg_complete(rd, sg, !strcmp(bug, "sync_sg_nents") ? 1 : 2);
    ringdrv_rx_sg_teardown(rd, sg, !strcmp(bug, "unmap_sg_nents") ? 1 : 2, !strcmp(bug, "unmap_wrong_function"));
    for (int i = 0; i < 2; i++)
        __free_pages(pages[i], 0);
    return GUEST_EXIT_OK;
}

#define RING_HDR 64

static __attribute__((noinline)) void ringdrv_free_ring(struct ringdrv *rd, void *cpu, dma_addr_t bus)
{
    dma_free_coherent(rd->dev, PAGE_SIZE, cpu, bus);
}

/* A coherent descriptor ring: a header, then the descriptors the driver walks. */
static int rx_ring_coherent(struct ringdrv *rd, bool bug)
{
    dma_addr_t ring_bus;
    u8 *ring = dma_alloc_coherent(rd->dev, PAGE_SIZE, &ring_bus, GFP_KERNEL);
    if (!ring)
        return GUEST_EXIT_OOM;
    u32 *desc = (u32 *)(ring + RING_HDR);
    ringdrv_rx(rd, ring_bus, DMA_TEST_LEN);
    ringdrv_free_ring(rd, bug ? (void *)desc : (void *)ring, ring_bus);
    return GUEST_EXIT_OK;
}

static __attribute__((noinline)) void ringdrv_rx_complete(struct ringdrv *rd, dma_addr_t bus, u32 len)
{
    dma_sync_single_for_cpu(rd->dev, bus, len, DMA_FROM_DEVICE);
}

/* Hands a received buffer back to the device for the next packet. */
static __attribute__((noinline)) void ringdrv_rx_recycle(struct ringdrv *rd, dma_addr_t bus, u32 len,
                                                         enum dma_data_direction dir)
{
    dma_sync_single_for_device(rd->dev, bus, len, dir);
}

static __attribute__((noinline)) void ringdrv_teardown(struct ringdrv *rd, const dma_addr_t *slots, int n,
                                                       enum dma_data_direction dir, bool skip_empty)
{
    for (int i = 0; i < n; i++)
        if (slots[i] || !skip_empty)
            dma_unmap_single(rd->dev, slots[i], RX_LEN, dir);
}

/* A two-slot receive ring of which only slot 0 is filled: receive, complete, recycle, tear down. */
static int rx_ring(struct ringdrv *rd, const char *bug)
{
    u8 *buf = kmalloc(RX_LEN, GFP_DMA);
    if (!buf)
        return GUEST_EXIT_OOM;
    dma_addr_t slots[2] = { ringdrv_map(rd, buf, RX_LEN, DMA_FROM_DEVICE), 0 };
    if (!slots[0])
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, slots[0], RX_LEN);
    ringdrv_rx_complete(rd, slots[0], !strcmp(bug, "sync_out_of_range") ? 2048 : RX_LEN);
    (void)ringdrv_peek(buf);
    ringdrv_rx_recycle(rd, slots[0], RX_LEN, !strcmp(bug, "sync_direction") ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
    ringdrv_rx(rd, slots[0], RX_LEN);
    ringdrv_teardown(rd, slots, 2, !strcmp(bug, "unmap_direction") ? DMA_TO_DEVICE : DMA_FROM_DEVICE,
                     strcmp(bug, "unmap_never_mapped"));
    kfree(buf);
    return GUEST_EXIT_OK;
}

/* A descriptor the device writes back: a status word and the packet header after it. */
struct ringdrv_desc {
    u8 status[16];
    u8 hdr[48];
};

/* Status and header are both written by the device; done right they are one mapping. */
static int rx_desc(struct ringdrv *rd, bool bug)
{
    u8 *raw = kmalloc(2 * sizeof(struct ringdrv_desc), GFP_DMA);
    if (!raw)
        return GUEST_EXIT_OOM;
    struct ringdrv_desc *desc = (struct ringdrv_desc *)(((unsigned long)raw + 63) & ~63UL);
    dma_addr_t status = ringdrv_map(rd, bug ? desc->status : (void *)desc, bug ? sizeof desc->status : sizeof *desc,
                                    DMA_FROM_DEVICE);
    dma_addr_t hdr = bug ? ringdrv_map(rd, desc->hdr, sizeof desc->hdr, DMA_FROM_DEVICE) : 0;
    if (!status || (bug && !hdr))
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, status, bug ? sizeof desc->status : sizeof *desc);
    if (bug) {
        ringdrv_rx(rd, hdr, sizeof desc->hdr);
        dma_unmap_single(rd->dev, hdr, sizeof desc->hdr, DMA_FROM_DEVICE);
    }
    dma_unmap_single(rd->dev, status, bug ? sizeof desc->status : sizeof *desc, DMA_FROM_DEVICE);
    kfree(raw);
    return GUEST_EXIT_OK;
}

/* Refilling slot 0 of the ring for each of 9 packets; done right each mapping is unmapped after use. */
static __attribute__((noinline)) int ringdrv_refill(struct ringdrv *rd, u8 *buf, bool bug)
{
    dma_addr_t bus = 0;
    for (int packet = 0; packet < 9; packet++) {
        bus = ringdrv_map(rd, buf, RX_LEN, DMA_FROM_DEVICE);
        if (!bus)
            return GUEST_EXIT_DMA_REFUSED;
        ringdrv_rx(rd, bus, RX_LEN);
        if (!bug)
            dma_unmap_single(rd->dev, bus, RX_LEN, DMA_FROM_DEVICE);
    }
    if (bug)
        dma_unmap_single(rd->dev, bus, RX_LEN, DMA_FROM_DEVICE);
    return GUEST_EXIT_OK;
}

static int rx_refill(struct ringdrv *rd, bool bug)
{
    u8 *buf = kmalloc(RX_LEN, GFP_DMA);
    if (!buf)
        return GUEST_EXIT_OOM;
    int ret = ringdrv_refill(rd, buf, bug);
    /* Freeing under the leaked mappings would be a second bug; the leak is the one shown. */
    if (!bug)
        kfree(buf);
    return ret;
}

/* Sends one packet; a packet the API cannot map is dropped. */
static __attribute__((noinline)) void ringdrv_xmit(struct ringdrv *rd, void *data, u32 len, bool unmap_on_drop)
{
    dma_addr_t bus = dma_map_single(rd->dev, data, len, DMA_TO_DEVICE);
    if (dma_mapping_error(rd->dev, bus))
        goto drop;
    ringdrv_tx(rd, bus, len);
    dma_unmap_single(rd->dev, bus, len, DMA_TO_DEVICE);
    return;
drop:
    if (unmap_on_drop)
        dma_unmap_single(rd->dev, bus, len, DMA_TO_DEVICE);
    printk("dma: ringdrv dropped a packet it could not map\n");
}

static int tx_xmit(struct ringdrv *rd, const char *bug)
{
    if (!strcmp(bug, "map_mmio")) {
        ringdrv_xmit(rd, rd->edu->regs, 64, false);
        return GUEST_EXIT_OK;
    }
    bool vmalloc_packet = !strcmp(bug, "unmap_error");
    u8 *packet = vmalloc_packet ? vmalloc(RX_LEN) : kmalloc(RX_LEN, GFP_DMA);
    if (!packet)
        return GUEST_EXIT_OOM;
    ringdrv_xmit(rd, packet, RX_LEN, vmalloc_packet);
    if (vmalloc_packet)
        vfree(packet);
    else
        kfree(packet);
    return GUEST_EXIT_OK;
}

/* Reads the device's 64-byte status block through a one-entry scatterlist. */
static __attribute__((noinline)) int ringdrv_read_status(struct ringdrv *rd, bool on_stack)
{
    u8 stack_block[64];
    u8 *block = on_stack ? stack_block : kmalloc(sizeof stack_block, GFP_DMA);
    if (!block)
        return GUEST_EXIT_OOM;
    struct scatterlist sg;
    sg_init_table(&sg, 1);
    sg_set_page(&sg, virt_to_page(block), sizeof stack_block, (unsigned long)block & ~PAGE_MASK);
    if (dma_map_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE) != 1)
        return GUEST_EXIT_DMA_REFUSED;
    ringdrv_rx(rd, sg_dma_address(&sg), sizeof stack_block);
    dma_unmap_sg(rd->dev, &sg, 1, DMA_FROM_DEVICE);
    if (!on_stack)
        kfree(block);
    return GUEST_EXIT_OK;
}

static bool one_of(const char *bug, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(bug, *names))
            return true;
    return false;
}

int scenario_dma_driver_bugs(void)
{
    struct edu edu;
    int ret = dma_setup(&edu);
    if (ret != GUEST_EXIT_OK)
        return ret;
    const char *bug = cmdline_get("bug");
    if (!bug)
        bug = "none";
    struct ringdrv rd = { &edu, &edu.pdev.dev, 0 };
    bool none = !strcmp(bug, "none");
    if (none || !strcmp(bug, "kfree_while_mapped"))
        ret = rx_kfree_while_mapped(&rd, !none);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "sg_overlong")))
        ret = rx_sg(&rd, !none);
    if (ret == GUEST_EXIT_OK && (!strcmp(bug, "sg_seg_too_long") || !strcmp(bug, "sg_seg_boundary")))
        ret = rx_sg_limits(&rd, !strcmp(bug, "sg_seg_too_long"));
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "wrong_direction") || !strcmp(bug, "overrun") ||
                                !strcmp(bug, "read_before_sync")))
        ret = rx_simple(&rd, bug);
    static const char *const sg_list_bugs[] = { "unmap_wrong_function", "unmap_sg_nents", "sync_sg_nents", NULL };
    static const char *const ring_bugs[] = { "sync_out_of_range", "sync_direction", "unmap_direction",
                                             "unmap_never_mapped", NULL };
    if (ret == GUEST_EXIT_OK && (none || one_of(bug, sg_list_bugs)))
        ret = rx_sg_list(&rd, bug);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "free_cpu_address")))
        ret = rx_ring_coherent(&rd, !none);
    if (ret == GUEST_EXIT_OK && (none || one_of(bug, ring_bugs)))
        ret = rx_ring(&rd, bug);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "shared_cacheline")))
        ret = rx_desc(&rd, !none);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "remap_leak")))
        ret = rx_refill(&rd, !none);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "unmap_error") || !strcmp(bug, "map_mmio")))
        ret = tx_xmit(&rd, bug);
    if (ret == GUEST_EXIT_OK && (none || !strcmp(bug, "sg_stack")))
        ret = ringdrv_read_status(&rd, !none);
    if (ret == GUEST_EXIT_OK)
        ret = tx_api(&rd, bug);
    edu_remove(&edu);
    if (ret == GUEST_EXIT_OK && rd.rejected)
        ret = GUEST_EXIT_DMA_REJECTED;
    printk("dma: ringdrv bug=%s done, exit %d\n", bug, ret);
    return ret;
}
