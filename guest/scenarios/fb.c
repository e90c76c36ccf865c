/*
 * fb: find the bochs-display (1234:1111), map its registers (BAR2) and framebuffer (BAR0) with
 * ioremap, set 640x480x32 and draw a fixed test pattern, then read every pixel back.
 *
 * The pattern (pixels 0x00RRGGBB, stored B,G,R,X):
 *   rows 0..319    eight 80-pixel colour bars: white, yellow, cyan, green, magenta, red, blue, black
 *   rows 320..479  four 40-row ramps from black at x=0 to full at x=639 (x * 255 / 639):
 *                  red, green, blue, grey
 *   a 2-pixel white border around the whole screen, drawn over the above
 * A host test compares `--fb-dump` with QEMU's screendump of the same kernel, pixel for pixel.
 *
 * Output and exit code are the same under QEMU and ia32emu:
 *   0 (GUEST_EXIT_OK)           `fb: 640x480x32 pattern drawn`
 *   1 (GUEST_EXIT_TEST_FAILED)  no device, wrong ID, mode not accepted, or a pixel read back wrong
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "drivers/bochs_display.h"
#include "lib/printk.h"
#include "mm/io.h"

#define FB_XRES 640
#define FB_YRES 480
#define BAR_ROWS 320
#define RAMP_ROWS 40
#define BORDER 2

static const u32 bar_colours[8] = {
    0xffffff, 0xffff00, 0x00ffff, 0x00ff00, 0xff00ff, 0xff0000, 0x0000ff, 0x000000,
};

static u32 pattern_pixel(u32 x, u32 y)
{
    if (x < BORDER || y < BORDER || x >= FB_XRES - BORDER || y >= FB_YRES - BORDER)
        return bochs_rgb(0xff, 0xff, 0xff);
    if (y < BAR_ROWS)
        return bar_colours[x / (FB_XRES / 8)];
    u8 v = (u8)(x * 255 / (FB_XRES - 1));
    switch ((y - BAR_ROWS) / RAMP_ROWS) {
    case 0:
        return bochs_rgb(v, 0, 0);
    case 1:
        return bochs_rgb(0, v, 0);
    case 2:
        return bochs_rgb(0, 0, v);
    default:
        return bochs_rgb(v, v, v);
    }
}

static void draw(struct bochs_display *bd)
{
    for (u32 y = 0; y < FB_YRES; y++)
        for (u32 x = 0; x < FB_XRES; x++)
            writel(pattern_pixel(x, y), &bd->fb[y * bd->stride + x]);
}

static bool verify(const struct bochs_display *bd)
{
    for (u32 y = 0; y < FB_YRES; y++) {
        for (u32 x = 0; x < FB_XRES; x++) {
            u32 got = readl(&bd->fb[y * bd->stride + x]);
            if (got != pattern_pixel(x, y)) {
                printk("fb: pixel (%u,%u) reads 0x%08x, wrote 0x%08x\n", x, y, got, pattern_pixel(x, y));
                return false;
            }
        }
    }
    return true;
}

int scenario_fb(void)
{
    static struct bochs_display bd;
    if (bochs_display_probe(&bd) != 0)
        return GUEST_EXIT_TEST_FAILED;
    printk("fb: bochs-display found, DISPI ID 0x%04x, %u KiB VRAM\n", DISPI_ID5, bd.vram_size >> 10);
    if (bochs_display_set_mode(&bd, FB_XRES, FB_YRES) != 0)
        return GUEST_EXIT_TEST_FAILED;
    draw(&bd);
    if (!verify(&bd))
        return GUEST_EXIT_TEST_FAILED;
    printk("fb: %ux%ux%u pattern drawn\n", bd.xres, bd.yres, bd.bpp);
    return GUEST_EXIT_OK;
}
