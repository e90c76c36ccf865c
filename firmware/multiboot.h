/* Multiboot v1 structures and flags, as the specification lays them out. */
#ifndef FW_MULTIBOOT_H
#define FW_MULTIBOOT_H

#include "types.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOTLOADER_MAGIC 0x2badb002u
#define MB_HEADER_SEARCH_LIMIT 8192u /* the header must lie in the first 8 KiB of the file */

#define MB_HEADER_FLAG_VIDEO (1u << 2)
#define MB_HEADER_FLAG_AOUT_KLUDGE (1u << 16)

#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_BOOT_DEVICE (1u << 1)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MEM_MAP (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)
#define MB_INFO_FRAMEBUFFER (1u << 12)

#define MB_FRAMEBUFFER_TYPE_EGA_TEXT 2

struct mb_header {
    u32 magic;
    u32 flags;
    u32 checksum;
    /* Valid only with MB_HEADER_FLAG_AOUT_KLUDGE. */
    u32 header_addr;
    u32 load_addr;
    u32 load_end_addr;
    u32 bss_end_addr;
    u32 entry_addr;
} __attribute__((packed));

#define MB_HEADER_MIN_SIZE 12u

struct mb_info {
    u32 flags;
    u32 mem_lower;
    u32 mem_upper;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count;
    u32 mods_addr;
    u32 syms[4];
    u32 mmap_length;
    u32 mmap_addr;
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
    u64 framebuffer_addr;
    u32 framebuffer_pitch;
    u32 framebuffer_width;
    u32 framebuffer_height;
    u8 framebuffer_bpp;
    u8 framebuffer_type;
    u8 color_info[6];
} __attribute__((packed));

struct mb_module {
    u32 mod_start;
    u32 mod_end; /* one past the last byte */
    u32 string;
    u32 reserved;
} __attribute__((packed));

/* One memory-map entry; `size` counts the bytes after itself (20), not the whole entry. */
struct mb_mmap_entry {
    u32 size;
    u64 base_addr;
    u64 length;
    u32 type;
} __attribute__((packed));

#endif
