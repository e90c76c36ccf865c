/*
 * Multiboot information, with the fields QEMU's loader fills (its flags 0x24f) and GRUB's text
 * framebuffer: MEM (mem_lower/mem_upper from the E820 RAM that runs unbroken from 0 and from
 * 1 MiB), BOOT_DEVICE (the first hard disk, no partition: 0x8000ffff, QEMU's value), CMDLINE
 * (FW_CFG_CMDLINE_DATA, which starts with the kernel's path as QEMU's does), MODS (always, maybe
 * none), MMAP (the E820 list verbatim, RAM, reserved areas and the PCI hole alike), LOADER_NAME,
 * and, when the kernel's header asks for a video mode, the 80x25 EGA text framebuffer at 0xB8000
 * as GRUB reports it when it leaves the console in text mode. Everything is written to the fixed
 * hand-off area of layout.h, which no kernel segment may overlap; modules go where the host
 * placed them.
 */
#include "mbi.h"

#include "devices/abi/fw_cfg.h"
#include "devices/abi/vga.h"
#include "e820.h"
#include "fail.h"
#include "fwcfg.h"
#include "kernel_load.h"
#include "layout.h"
#include "multiboot.h"
#include "string.h"

_Static_assert(sizeof(struct mb_info) <= MBI_AREA_SIZE, "MBI outgrows its area");
_Static_assert(FW_CFG_MAX_MODULES <= MODS_MAX, "the module list outgrows its area");
_Static_assert(E820_MAX_ENTRIES * sizeof(struct mb_mmap_entry) <= MMAP_AREA_SIZE,
               "a full E820 list outgrows the Multiboot map area");

#define LOWER_MEM_LIMIT 0xa0000u /* conventional memory ends at the legacy VGA hole */
#define UPPER_MEM_START 0x100000u

static u32 kib(u64 bytes)
{
    u64 k = bytes >> 10;
    return k > 0xffffffffu ? 0xffffffffu : (u32)k;
}

static void fill_memory(struct mb_info *mbi)
{
    u64 lower_end = e820_ram_end_from(0);
    if (lower_end > LOWER_MEM_LIMIT)
        lower_end = LOWER_MEM_LIMIT;
    mbi->mem_lower = kib(lower_end);
    mbi->mem_upper = kib(e820_ram_end_from(UPPER_MEM_START) - UPPER_MEM_START);
    mbi->flags |= MB_INFO_MEMORY;
}

static void fill_mmap(struct mb_info *mbi)
{
    struct mb_mmap_entry *out = (struct mb_mmap_entry *)MMAP_ADDR;
    u32 n = e820_count();
    for (u32 i = 0; i < n; i++) {
        const struct fw_cfg_e820_entry *e = e820_entry(i);
        out[i] = (struct mb_mmap_entry){
            .size = sizeof(*out) - sizeof(out->size),
            .base_addr = e->base,
            .length = e->length,
            .type = e->type,
        };
    }
    mbi->mmap_addr = MMAP_ADDR;
    mbi->mmap_length = n * sizeof(*out);
    mbi->flags |= MB_INFO_MEM_MAP;
}

static void fill_cmdline(struct mb_info *mbi)
{
    char *cmdline = (char *)CMDLINE_ADDR;
    u32 size = fwcfg_read_u32(FW_CFG_CMDLINE_SIZE);
    if (size > CMDLINE_AREA_SIZE)
        fail_value("kernel command line is too long, bytes:", size);
    if (size > 0) {
        fwcfg_select(FW_CFG_CMDLINE_DATA);
        fwcfg_read(cmdline, size);
        /* The size includes the NUL; enforce it in case the board's data lacks one. */
        cmdline[size - 1] = '\0';
    } else {
        cmdline[0] = '\0';
    }
    mbi->cmdline = CMDLINE_ADDR;
    mbi->flags |= MB_INFO_CMDLINE;
}

#define LOADER_NAME "ia32emu"
#define BOOT_DEVICE_FIRST_DISK 0x8000ffffu

static void fill_loader(struct mb_info *mbi)
{
    _Static_assert(sizeof(LOADER_NAME) <= LOADER_NAME_AREA_SIZE, "loader name outgrows its area");
    memcpy((void *)LOADER_NAME_ADDR, LOADER_NAME, sizeof(LOADER_NAME));
    mbi->boot_loader_name = LOADER_NAME_ADDR;
    mbi->boot_device = BOOT_DEVICE_FIRST_DISK;
    mbi->flags |= MB_INFO_LOADER_NAME | MB_INFO_BOOT_DEVICE;
}

static struct fw_cfg_module module_table[FW_CFG_MAX_MODULES];

/* The table first (its item), then the data item streamed into place module by module. */
static void fill_modules(struct mb_info *mbi)
{
    struct mb_module *mods = (struct mb_module *)MODS_ADDR;
    char *strings = (char *)MOD_STRINGS_ADDR;
    u32 strings_used = 0;
    u32 count = fwcfg_read_u32(FW_CFG_MODULES);
    if (count > FW_CFG_MAX_MODULES)
        fail_value("too many Multiboot modules:", count);
    fwcfg_read(module_table, count * sizeof(module_table[0]));
    for (u32 i = 0; i < count; i++) {
        u32 n = module_table[i].cmdline_size;
        if (n == 0 || n > MOD_STRINGS_AREA_SIZE - strings_used)
            fail_value("Multiboot module command lines are too long, module", i);
        fwcfg_read(strings + strings_used, n);
        strings[strings_used + n - 1] = '\0';
        mods[i] = (struct mb_module){
            .mod_start = module_table[i].load_addr,
            .mod_end = module_table[i].load_addr + module_table[i].size,
            .string = MOD_STRINGS_ADDR + strings_used,
        };
        strings_used += n;
    }
    fwcfg_select(FW_CFG_MODULE_DATA);
    for (u32 i = 0; i < count; i++)
        fwcfg_read((void *)module_table[i].load_addr, module_table[i].size);
    mbi->mods_count = count;
    mbi->mods_addr = MODS_ADDR;
    mbi->flags |= MB_INFO_MODS;
}

static void fill_text_framebuffer(struct mb_info *mbi)
{
    if (!(kernel_header_flags() & MB_HEADER_FLAG_VIDEO))
        return;
    mbi->framebuffer_addr = VGA_TEXT_BASE;
    mbi->framebuffer_pitch = VGA_TEXT_COLUMNS * 2;
    mbi->framebuffer_width = VGA_TEXT_COLUMNS;
    mbi->framebuffer_height = VGA_TEXT_ROWS;
    mbi->framebuffer_bpp = 16;
    mbi->framebuffer_type = MB_FRAMEBUFFER_TYPE_EGA_TEXT;
    mbi->flags |= MB_INFO_FRAMEBUFFER;
}

u32 mbi_build(void)
{
    struct mb_info *mbi = (struct mb_info *)MBI_ADDR;
    memset(mbi, 0, MBI_AREA_SIZE);
    fill_memory(mbi);
    fill_loader(mbi);
    fill_mmap(mbi);
    fill_cmdline(mbi);
    fill_modules(mbi);
    fill_text_framebuffer(mbi);
    return MBI_ADDR;
}
