/*
 * Multiboot information: MEM (mem_lower/mem_upper from the E820 RAM that runs unbroken from 0
 * and from 1 MiB), MMAP (the E820 list verbatim, RAM, reserved areas and the PCI hole alike) and
 * CMDLINE (FW_CFG_CMDLINE_DATA, which starts with the kernel's path as QEMU's does). Everything
 * is written to the fixed hand-off area of layout.h, which no kernel segment may overlap.
 */
#include "mbi.h"

#include "devices/abi/fw_cfg.h"
#include "e820.h"
#include "fail.h"
#include "fwcfg.h"
#include "layout.h"
#include "multiboot.h"
#include "string.h"

_Static_assert(sizeof(struct mb_info) <= MBI_AREA_SIZE, "MBI outgrows its area");
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

u32 mbi_build(void)
{
    struct mb_info *mbi = (struct mb_info *)MBI_ADDR;
    memset(mbi, 0, MBI_AREA_SIZE);
    fill_memory(mbi);
    fill_mmap(mbi);
    fill_cmdline(mbi);
    return MBI_ADDR;
}
