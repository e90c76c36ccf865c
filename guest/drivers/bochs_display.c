/* bochs-display driver: DISPI registers in BAR2, the framebuffer in BAR0, both ioremapped. */
#include "drivers/bochs_display.h"
#include "devices/abi/qemu_pci_ids.h"
#include "lib/printk.h"
#include "mm/io.h"

u16 bochs_dispi_read(const struct bochs_display *bd, unsigned int index)
{
    return readw((const volatile u8 *)bd->mmio + BOCHS_DISPI_REG(index));
}

void bochs_dispi_write(struct bochs_display *bd, unsigned int index, u16 val)
{
    writew(val, (volatile u8 *)bd->mmio + BOCHS_DISPI_REG(index));
}

int bochs_display_probe(struct bochs_display *bd)
{
    struct pci_dev *pdev = &bd->pdev;
    if (!pci_find_device(PCI_VENDOR_QEMU, BOCHS_DISPLAY_DEVICE_ID, pdev)) {
        printk("fb: no bochs-display %04x:%04x on bus 0\n", PCI_VENDOR_QEMU, BOCHS_DISPLAY_DEVICE_ID);
        return -1;
    }
    pdev->dev.name = "bochs-display";
    u32 mmio_len = pci_resource_len(pdev, BOCHS_DISPLAY_MMIO_BAR);
    bd->vram_size = pci_resource_len(pdev, BOCHS_DISPLAY_FB_BAR);
    if (mmio_len < BOCHS_DISPI_REG(DISPI_INDEX_COUNT) || !bd->vram_size ||
        (pdev->resource_flags[BOCHS_DISPLAY_MMIO_BAR] & PCI_BAR_IO) ||
        (pdev->resource_flags[BOCHS_DISPLAY_FB_BAR] & PCI_BAR_IO)) {
        printk("fb: unexpected BAR layout\n");
        return -1;
    }
    pci_enable_device(pdev);
    bd->mmio = ioremap(pci_resource_start(pdev, BOCHS_DISPLAY_MMIO_BAR), mmio_len);
    if (!bd->mmio) {
        printk("fb: ioremap of the registers failed\n");
        return -1;
    }
    u16 id = bochs_dispi_read(bd, DISPI_INDEX_ID);
    if (id != DISPI_ID5) {
        printk("fb: DISPI ID 0x%04x, expected 0x%04x\n", id, DISPI_ID5);
        iounmap(bd->mmio);
        return -1;
    }
    bd->fb = NULL;
    bd->fb_mapped = 0;
    return 0;
}

int bochs_display_set_mode(struct bochs_display *bd, u16 xres, u16 yres)
{
    u32 bytes = (u32)xres * yres * 4;
    if (bytes > bd->vram_size) {
        printk("fb: %ux%u needs %u KiB, VRAM has %u KiB\n", xres, yres, bytes >> 10,
               bd->vram_size >> 10);
        return -1;
    }
    /* Geometry changes only take effect cleanly while the display is off, as in bochs-drm. */
    bochs_dispi_write(bd, DISPI_INDEX_ENABLE, 0);
    bochs_dispi_write(bd, DISPI_INDEX_BPP, 32);
    bochs_dispi_write(bd, DISPI_INDEX_XRES, xres);
    bochs_dispi_write(bd, DISPI_INDEX_YRES, yres);
    bochs_dispi_write(bd, DISPI_INDEX_BANK, 0);
    bochs_dispi_write(bd, DISPI_INDEX_VIRT_WIDTH, xres);
    bochs_dispi_write(bd, DISPI_INDEX_VIRT_HEIGHT, yres);
    bochs_dispi_write(bd, DISPI_INDEX_X_OFFSET, 0);
    bochs_dispi_write(bd, DISPI_INDEX_Y_OFFSET, 0);
    bochs_dispi_write(bd, DISPI_INDEX_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);

    bd->xres = bochs_dispi_read(bd, DISPI_INDEX_XRES);
    bd->yres = bochs_dispi_read(bd, DISPI_INDEX_YRES);
    bd->bpp = bochs_dispi_read(bd, DISPI_INDEX_BPP);
    bd->stride = bochs_dispi_read(bd, DISPI_INDEX_VIRT_WIDTH);
    if (bd->xres != xres || bd->yres != yres || bd->bpp != 32 || bd->stride < xres) {
        printk("fb: mode readback %ux%ux%u stride %u, wanted %ux%ux32\n", bd->xres, bd->yres,
               bd->bpp, bd->stride, xres, yres);
        return -1;
    }
    if (bd->fb)
        iounmap(bd->fb);
    bd->fb_mapped = bd->stride * bd->yres * 4;
    bd->fb = ioremap(pci_resource_start(&bd->pdev, BOCHS_DISPLAY_FB_BAR), bd->fb_mapped);
    if (!bd->fb) {
        printk("fb: ioremap of %u KiB of framebuffer failed\n", bd->fb_mapped >> 10);
        return -1;
    }
    return 0;
}
