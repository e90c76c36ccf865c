/* Access to the board's firmware-configuration interface (devices/abi/fw_cfg.h). */
#ifndef FW_FWCFG_H
#define FW_FWCFG_H

#include "types.h"

/* True when the selector/data ports answer with the "QEMU" signature. */
int fwcfg_present(void);
/* Selects an item and rewinds it to offset 0. */
void fwcfg_select(u16 key);
/* The item the last fwcfg_select chose. */
u16 fwcfg_selected(void);
/* Reads the next bytes of the selected item. */
void fwcfg_read(void *dst, u32 n);
/* Discards the next bytes of the selected item. */
void fwcfg_skip(u32 n);
/* Selects an item and returns its first four bytes as a little-endian u32. */
u32 fwcfg_read_u32(u16 key);
/* Selects an item and returns its first eight bytes as a little-endian u64 (0 when absent). */
u64 fwcfg_read_u64(u16 key);

#endif
