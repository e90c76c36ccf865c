/* Holds the E820 list from fw_cfg: the single source of truth for RAM, reserved areas and the hole. */
#include "e820.h"

#include "fail.h"
#include "fwcfg.h"

static struct fw_cfg_e820_entry entries[E820_MAX_ENTRIES];
static u32 count;

void e820_load(void)
{
    count = fwcfg_read_u32(FW_CFG_E820);
    if (count == 0)
        fail("fw_cfg has no E820 memory map (item 0x8000 is empty)");
    if (count > E820_MAX_ENTRIES)
        fail_value("E820 memory map has too many entries:", count);
    fwcfg_read(entries, count * sizeof(entries[0]));
}

u32 e820_count(void)
{
    return count;
}

const struct fw_cfg_e820_entry *e820_entry(u32 i)
{
    return &entries[i];
}

u64 e820_ram_end_from(u64 addr)
{
    u64 end = addr;
    int grew = 1;
    while (grew) {
        grew = 0;
        for (u32 i = 0; i < count; i++) {
            const struct fw_cfg_e820_entry *e = &entries[i];
            u64 e_end = e->base + e->length;
            if (e->type == E820_RAM && e->base <= end && end < e_end) {
                end = e_end;
                grew = 1;
            }
        }
    }
    return end;
}
