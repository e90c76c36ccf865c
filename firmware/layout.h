/*
 * Where the firmware keeps things in low RAM. The ROM is read-only, so everything writable lives
 * here; a kernel segment that overlaps one of these ranges is refused before anything is copied.
 *
 *   0x00000-0x004ff  untouched (real-mode IVT and BIOS data area)
 *   0x01000-0x010ff  Multiboot information structure (EBX at the kernel entry)
 *   0x01100-0x01fff  Multiboot memory map (24-byte entries, size field 20)
 *   0x02000-0x07fff  kernel command line (NUL-terminated)
 *   0x08000-0x0803f  boot loader name
 *   0x08040-0x0843f  Multiboot module list (16-byte entries)
 *   0x08440-0x0ffff  module command lines
 *   0x80000-...      firmware .bss (scratch buffers), zeroed at start
 *   ...    -0x9efff  firmware stack, growing down from 0x9f000
 */
#ifndef FW_LAYOUT_H
#define FW_LAYOUT_H

#define MBI_ADDR 0x1000
#define MBI_AREA_SIZE 0x100
#define MMAP_ADDR 0x1100
#define MMAP_AREA_SIZE 0xf00
#define CMDLINE_ADDR 0x2000
#define CMDLINE_AREA_SIZE 0x6000

#define LOADER_NAME_ADDR 0x8000
#define LOADER_NAME_AREA_SIZE 0x40
#define MODS_ADDR 0x8040
#define MODS_MAX 64
#define MOD_STRINGS_ADDR (MODS_ADDR + MODS_MAX * 16)
#define MOD_STRINGS_AREA_SIZE (0x10000 - MOD_STRINGS_ADDR)

#define HANDOFF_AREA_START MBI_ADDR
#define HANDOFF_AREA_END 0x10000

#define WORK_AREA_START 0x80000 /* must match the .bss address in firmware.ld */
#define STACK_TOP 0x9f000
#define WORK_AREA_END STACK_TOP

#endif
