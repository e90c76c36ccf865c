/* Loads a 32-bit i386 ET_EXEC kernel's PT_LOAD segments at their physical addresses. */
#ifndef FW_ELF_LOAD_H
#define FW_ELF_LOAD_H

#include "types.h"

/* Fails the boot unless head (the file's first head_len bytes) starts a usable ELF header. */
void elf_check(const u8 *head, u32 head_len);

/*
 * head holds the first head_len bytes of the kernel file. Validates everything before writing
 * any RAM, loads, and returns the physical entry address; fails the boot on bad input.
 */
u32 elf_load(const u8 *head, u32 head_len);

#endif
