/* Multiboot v1 boot information, as the loader (QEMU or our firmware) hands it to the kernel. */
#ifndef GUEST_ARCH_MULTIBOOT_H
#define GUEST_ARCH_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* Header flags the kernel asks for: page-aligned modules and a memory map. */
#define MULTIBOOT_PAGE_ALIGN 0x00000001
#define MULTIBOOT_MEMORY_INFO 0x00000002

/* Bits of multiboot_info.flags saying which fields are valid. */
#define MULTIBOOT_INFO_MEMORY 0x00000001
#define MULTIBOOT_INFO_BOOTDEV 0x00000002
#define MULTIBOOT_INFO_CMDLINE 0x00000004
#define MULTIBOOT_INFO_MODS 0x00000008
#define MULTIBOOT_INFO_AOUT_SYMS 0x00000010
#define MULTIBOOT_INFO_ELF_SHDR 0x00000020
#define MULTIBOOT_INFO_MEM_MAP 0x00000040

#define MULTIBOOT_MEMORY_AVAILABLE 1
#define MULTIBOOT_MEMORY_RESERVED 2
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT_MEMORY_NVS 4
#define MULTIBOOT_MEMORY_BADRAM 5

#ifndef __ASSEMBLER__
#include "lib/types.h"

struct multiboot_info {
    u32 flags;
    u32 mem_lower;      /* KiB of conventional memory from 0 */
    u32 mem_upper;      /* KiB of memory from 1 MiB up to the first hole */
    u32 boot_device;
    u32 cmdline;        /* physical address of a NUL-terminated string */
    u32 mods_count;
    u32 mods_addr;
    u32 syms[4];
    u32 mmap_length;    /* bytes of memory-map entries */
    u32 mmap_addr;      /* physical address of the first entry */
    u32 drives_length;
    u32 drives_addr;
    u32 config_table;
    u32 boot_loader_name;
    u32 apm_table;
    u32 vbe_control_info;
    u32 vbe_mode_info;
    u16 vbe_mode;
    u16 vbe_interface_seg;
    u16 vbe_interface_off;
    u16 vbe_interface_len;
} __attribute__((packed));

/* size counts the bytes after itself, so the next entry is at (char *)e + e->size + 4. */
struct multiboot_mmap_entry {
    u32 size;
    u64 addr;
    u64 len;
    u32 type;
} __attribute__((packed));
#endif

#endif
