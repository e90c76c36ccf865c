/* The board's memory map, read once from fw_cfg and queried for where RAM is. */
#ifndef FW_E820_H
#define FW_E820_H

#include "devices/abi/fw_cfg.h"
#include "types.h"

#define E820_MAX_ENTRIES 128

/* Reads FW_CFG_E820; fails the boot if the map is missing, empty or too long. */
void e820_load(void);
u32 e820_count(void);
const struct fw_cfg_e820_entry *e820_entry(u32 i);
/*
 * End of the RAM that runs without a gap from addr, following adjacent or overlapping RAM
 * entries; addr itself when addr is not RAM.
 */
u64 e820_ram_end_from(u64 addr);

#endif
