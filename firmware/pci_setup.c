/*
 * PCI bus 0 through configuration mechanism #1. Every BAR is sized (write all-ones, read back the
 * mask) with decoding off, then the BARs are placed largest first, each naturally aligned: memory
 * from the start of the PCI hole upward, I/O from 0xc000. Finally memory and I/O decoding are
 * switched on and bus mastering is left off, the state SeaBIOS hands to a kernel: a driver that
 * wants DMA must enable it itself. SeaBIOS packs BARs downward from the top of its window; we fill
 * upward from the hole start, so addresses differ between the two boards and kernels must read
 * them from the BARs, as they must anyway. Interrupt lines are SeaBIOS's too (pci_irq.c).
 */
#include "pci_setup.h"

#include "fail.h"
#include "pci_config.h"
#include "pci_irq.h"

#define IO_WINDOW_START 0xc000u
#define IO_WINDOW_END 0x10000u
/* SeaBIOS stops memory BARs below the I/O APIC; so do we, which also keeps them off the ROM. */
#define MEM_WINDOW_END 0xfec00000u

#define MAX_BARS 128
#define MAX_FUNCTIONS 64

struct bar {
    u16 bdf;
    u8 reg;
    u8 is_io;
    u8 is_64;
    u32 size;
};

static struct bar bars[MAX_BARS];
static u32 bar_count;
static u16 functions[MAX_FUNCTIONS];
static u32 function_count;

/* Writes all-ones and reads back which address bits the device implements, then restores. */
static u32 probe_mask(u16 bdf, u8 reg)
{
    u32 old = config_read32(bdf, reg);
    config_write32(bdf, reg, 0xffffffffu);
    u32 mask = config_read32(bdf, reg);
    config_write32(bdf, reg, old);
    return mask;
}

static void add_bar(u16 bdf, u8 reg, u8 is_io, u8 is_64, u32 size)
{
    if (bar_count == MAX_BARS)
        fail("too many PCI BARs on bus 0");
    bars[bar_count++] = (struct bar){bdf, reg, is_io, is_64, size};
}

/* Returns how many BAR slots this BAR occupies (2 for a 64-bit memory BAR). */
static u32 size_bar(u16 bdf, u32 index, u32 slots)
{
    u8 reg = (u8)(PCI_BAR0 + 4 * index);
    u32 mask = probe_mask(bdf, reg);
    if (mask == 0 || mask == 0xffffffffu)
        return 1; /* unimplemented BAR (or a device that vanished) */

    if (mask & PCI_BAR_IO) {
        u32 addr_mask = mask & ~3u;
        if (addr_mask == 0)
            return 1;
        /* Devices may decode only 16 address bits; the upper half then reads back as zero. */
        if ((addr_mask & 0xffff0000u) == 0)
            addr_mask |= 0xffff0000u;
        add_bar(bdf, reg, 1, 0, ~addr_mask + 1);
        return 1;
    }

    u32 addr_mask = mask & ~0xfu;
    int is_64 = (mask & 0x6u) == 0x4u;
    if (is_64) {
        if (index + 1 >= slots)
            fail_value("PCI 64-bit BAR in the last slot, device", bdf);
        if (probe_mask(bdf, (u8)(reg + 4)) != 0xffffffffu)
            fail_value("PCI memory BAR of 4 GiB or more, device", bdf);
    }
    if (addr_mask != 0)
        add_bar(bdf, reg, 0, (u8)is_64, ~addr_mask + 1);
    return is_64 ? 2 : 1;
}

static void scan_function(u16 bdf)
{
    u8 header = config_read8(bdf, PCI_HEADER_TYPE) & 0x7f;
    u32 slots = header == 0 ? 6 : header == 1 ? 2 : 0; /* endpoint, PCI bridge, others none */

    if (function_count == MAX_FUNCTIONS)
        fail("too many PCI functions on bus 0");
    functions[function_count++] = bdf;

    /* Sizing moves the BARs over the whole address space: keep the device deaf meanwhile. */
    u16 cmd = config_read16(bdf, PCI_COMMAND);
    config_write16(bdf, PCI_COMMAND, cmd & (u16)~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (u32 i = 0; i < slots;)
        i += size_bar(bdf, i, slots);
}

static void scan_bus0(void)
{
    for (u16 dev = 0; dev < 32; dev++) {
        u16 bdf0 = (u16)(dev << 3);
        if (config_read16(bdf0, PCI_VENDOR_ID) == 0xffff)
            continue;
        int functions_here = (config_read8(bdf0, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
        for (u16 fn = 0; fn < functions_here; fn++) {
            u16 bdf = (u16)(bdf0 | fn);
            if (config_read16(bdf, PCI_VENDOR_ID) != 0xffff)
                scan_function(bdf);
        }
    }
}

/* Largest first; a stable insertion sort keeps equal sizes in bus order, which is reproducible. */
static void sort_by_size(void)
{
    for (u32 i = 1; i < bar_count; i++) {
        struct bar b = bars[i];
        u32 j = i;
        while (j > 0 && bars[j - 1].size < b.size) {
            bars[j] = bars[j - 1];
            j--;
        }
        bars[j] = b;
    }
}

static u64 align_up(u64 v, u32 align)
{
    return (v + align - 1) & ~(u64)(align - 1);
}

static void place(int io, u64 base, u64 limit)
{
    for (u32 i = 0; i < bar_count; i++) {
        struct bar *b = &bars[i];
        if (b->is_io != io)
            continue;
        base = align_up(base, b->size);
        if (base + b->size > limit)
            fail_value(io ? "PCI I/O BARs do not fit below 0x10000, device"
                          : "PCI memory BARs do not fit in the PCI hole, device",
                       b->bdf);
        config_write32(b->bdf, b->reg, (u32)base);
        if (b->is_64)
            config_write32(b->bdf, (u8)(b->reg + 4), 0);
        base += b->size;
    }
}

void pci_setup(u32 hole_start)
{
    scan_bus0();
    sort_by_size();
    place(0, hole_start, MEM_WINDOW_END);
    place(1, IO_WINDOW_START, IO_WINDOW_END);
    pci_irq_setup(functions, function_count);
    for (u32 i = 0; i < function_count; i++) {
        u16 bdf = functions[i];
        u16 cmd = config_read16(bdf, PCI_COMMAND);
        cmd = (u16)((cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY) & ~PCI_COMMAND_MASTER);
        config_write16(bdf, PCI_COMMAND, cmd);
    }
}
