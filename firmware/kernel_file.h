/* Random-access reads of the kernel file, which fw_cfg offers only as a rewindable byte stream. */
#ifndef FW_KERNEL_FILE_H
#define FW_KERNEL_FILE_H

#include "types.h"

/* Fails the boot when the board offers no kernel. */
void kernel_file_open(void);
u32 kernel_file_size(void);
/* Copies [offset, offset+n) to dst; fails the boot if that runs past the end of the file. */
void kernel_file_read(u32 offset, void *dst, u32 n);

#endif
