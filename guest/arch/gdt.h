/* Flat ring-0 segments: the kernel's only GDT. */
#ifndef GUEST_ARCH_GDT_H
#define GUEST_ARCH_GDT_H

#define GDT_ENTRIES 3
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

#ifndef __ASSEMBLER__
void gdt_init(void);
#endif

#endif
