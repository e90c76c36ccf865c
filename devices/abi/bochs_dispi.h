/*
 * bochs-display (QEMU's -device bochs-display): PCI IDs, BAR layout and the DISPI registers,
 * which sit flat in BAR2 at BOCHS_DISPI_MMIO_BASE + index * 2 as 16-bit registers.
 * In 32 bpp each pixel is stored as the bytes B, G, R, X (a little-endian 0x00RRGGBB).
 */
#ifndef IA32EMU_ABI_BOCHS_DISPI_H
#define IA32EMU_ABI_BOCHS_DISPI_H

#define BOCHS_DISPLAY_DEVICE_ID 0x1111  /* vendor PCI_VENDOR_QEMU */
#define BOCHS_DISPLAY_CLASS 0x038000    /* display controller, other */
#define BOCHS_DISPLAY_FB_BAR 0          /* prefetchable framebuffer */
#define BOCHS_DISPLAY_FB_SIZE 0x1000000u
#define BOCHS_DISPLAY_MMIO_BAR 2        /* registers */
#define BOCHS_DISPLAY_MMIO_SIZE 0x1000u

#define BOCHS_DISPI_MMIO_BASE 0x500
#define BOCHS_QEXT_MMIO_BASE 0x600      /* QEMU extension registers, 32-bit */
#define BOCHS_QEXT_SIZE 0x0             /* reads the size of the extension region: 8 */
#define BOCHS_QEXT_BYTEORDER 0x4        /* reads BOCHS_QEXT_LITTLE_ENDIAN */
#define BOCHS_QEXT_LITTLE_ENDIAN 0x1e1e1e1eu

#define DISPI_INDEX_ID 0x0
#define DISPI_INDEX_XRES 0x1
#define DISPI_INDEX_YRES 0x2
#define DISPI_INDEX_BPP 0x3
#define DISPI_INDEX_ENABLE 0x4
#define DISPI_INDEX_BANK 0x5
#define DISPI_INDEX_VIRT_WIDTH 0x6
#define DISPI_INDEX_VIRT_HEIGHT 0x7
#define DISPI_INDEX_X_OFFSET 0x8
#define DISPI_INDEX_Y_OFFSET 0x9
#define DISPI_INDEX_VIDEO_MEMORY_64K 0xa /* read-only: framebuffer size / 64 KiB */
#define DISPI_INDEX_COUNT 0xb

#define DISPI_ID5 0xb0c5                 /* what the ID register reads */
#define DISPI_ENABLED 0x01
#define DISPI_LFB_ENABLED 0x40

/* Byte offset of a DISPI register inside BAR2. */
#define BOCHS_DISPI_REG(index) (BOCHS_DISPI_MMIO_BASE + (index) * 2)

#endif
