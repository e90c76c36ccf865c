/* Builds the Multiboot information structure the kernel receives in EBX. */
#ifndef FW_MBI_H
#define FW_MBI_H

#include "types.h"

/* Fills the hand-off area (layout.h) from the E820 map and fw_cfg; returns the MBI address. */
u32 mbi_build(void);

#endif
