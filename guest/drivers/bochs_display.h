/* Driver for QEMU's bochs-display (PCI 1234:1111): mode setting and a linear 32-bpp framebuffer. */
#ifndef GUEST_DRIVERS_BOCHS_DISPLAY_H
#define GUEST_DRIVERS_BOCHS_DISPLAY_H

#include "devices/abi/bochs_dispi.h"
#include "drivers/pci.h"

struct bochs_display {
    struct pci_dev pdev;
    void *mmio;            /* BAR2: the DISPI registers, through ioremap */
    u32 *fb;               /* BAR0: the framebuffer, through ioremap (uncached) */
    u32 fb_mapped;         /* bytes of BAR0 mapped */
    u32 vram_size;         /* BAR0 size */
    u16 xres, yres, bpp;
    u32 stride;            /* pixels per line */
};

/* Finds the device and maps its registers; checks the DISPI ID. 0, or -1 after an `fb:` line. */
int bochs_display_probe(struct bochs_display *bd);
/*
 * Programs xres x yres at 32 bpp with the linear framebuffer on, and maps the part of BAR0 the
 * mode uses. 0, or -1 after an `fb:` line (mode does not fit in VRAM, mapping failed).
 */
int bochs_display_set_mode(struct bochs_display *bd, u16 xres, u16 yres);

u16 bochs_dispi_read(const struct bochs_display *bd, unsigned int index);
void bochs_dispi_write(struct bochs_display *bd, unsigned int index, u16 val);

/* A pixel as 0x00RRGGBB: the bytes B, G, R, X in memory. */
static inline u32 bochs_rgb(u8 r, u8 g, u8 b)
{
    return (u32)r << 16 | (u32)g << 8 | b;
}

#endif
