/* Finds the Multiboot header in the kernel file and loads the kernel by ELF or a.out kludge. */
#ifndef FW_KERNEL_LOAD_H
#define FW_KERNEL_LOAD_H

#include "types.h"

/* Loads the kernel offered through fw_cfg and returns its physical entry address. */
u32 kernel_load(void);
/* The flags word of the loaded kernel's Multiboot header. */
u32 kernel_header_flags(void);

#endif
