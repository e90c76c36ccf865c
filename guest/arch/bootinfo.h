/* A copy of the loader's Multiboot information, kept inside the kernel image. */
#ifndef GUEST_ARCH_BOOTINFO_H
#define GUEST_ARCH_BOOTINFO_H

#include "arch/multiboot.h"

/*
 * Copies the boot information at physical mbi_phys, its memory map and command line into the
 * kernel's .bss and returns the copy, whose cmdline and mmap_addr point (physically) at the
 * copies. The loader's memory may then be reused freely.
 */
const struct multiboot_info *bootinfo_save(u32 mbi_phys);
const struct multiboot_info *bootinfo(void);
/* The saved command line, or "" if the loader gave none. */
const char *bootinfo_cmdline(void);

/* Physical to kernel-virtual, for addresses inside the boot mapping. */
const void *boot_phys_to_virt(u32 phys, u32 size);

#endif
