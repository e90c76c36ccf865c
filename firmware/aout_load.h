/* Loads a kernel by the address fields of its Multiboot header (header flag bit 16). */
#ifndef FW_AOUT_LOAD_H
#define FW_AOUT_LOAD_H

#include "multiboot.h"
#include "types.h"

/* hdr was found at file offset hdr_offset; returns the entry address. */
u32 aout_load(const struct mb_header *hdr, u32 hdr_offset);

#endif
