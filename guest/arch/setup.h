/* Kernel image bounds and the virtual/physical split, from kernel.ld. */
#ifndef GUEST_ARCH_SETUP_H
#define GUEST_ARCH_SETUP_H

#define PAGE_OFFSET 0xC0000000
#define KERNEL_PHYS_BASE 0x00100000
/* Boot page tables map this much physical memory, both at 0 and at PAGE_OFFSET. */
#define BOOT_MAPPED_BYTES (16 * 1024 * 1024)

#ifndef __ASSEMBLER__
extern char _kernel_start[], _kernel_end[];
extern char _text_start[], _text_end[];
/* The page directory entry.S builds; mm_init replaces it with swapper_pg_dir. */
extern char boot_page_dir[];
#endif

#endif
