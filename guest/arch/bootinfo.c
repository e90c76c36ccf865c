/* Saves the Multiboot information before mm_init can hand the loader's memory out again. */
#include "arch/bootinfo.h"
#include "arch/exit.h"
#include "arch/setup.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"

#define MMAP_MAX_BYTES 1024

static struct multiboot_info info;
static u8 mmap_copy[MMAP_MAX_BYTES] __attribute__((aligned(8)));
static char cmdline_copy[CMDLINE_MAX];

/* Only the boot page tables exist yet, so loader data must lie in the first BOOT_MAPPED_BYTES. */
const void *boot_phys_to_virt(u32 phys, u32 size)
{
    if (phys >= BOOT_MAPPED_BYTES || size > BOOT_MAPPED_BYTES - phys)
        panic("boot data at 0x%08x+0x%x lies outside the boot mapping", phys, size);
    return (const void *)(uintptr_t)(phys + PAGE_OFFSET);
}

static u32 image_virt_to_phys(const void *p)
{
    return (u32)(uintptr_t)p - PAGE_OFFSET;
}

const struct multiboot_info *bootinfo_save(u32 mbi_phys)
{
    memcpy(&info, boot_phys_to_virt(mbi_phys, sizeof(info)), sizeof(info));
    /* Modules, symbols and the rest point into loader memory we do not copy: drop them. */
    info.flags &= MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_BOOTDEV | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MEM_MAP;

    if (info.flags & MULTIBOOT_INFO_CMDLINE) {
        const char *src = boot_phys_to_virt(info.cmdline, 1);
        size_t n = 0;
        while (src[n]) {
            if (n == CMDLINE_MAX - 1) {
                printk("cmdline: longer than %d bytes\n", CMDLINE_MAX - 1);
                guest_exit(GUEST_EXIT_BAD_CMDLINE);
            }
            boot_phys_to_virt(info.cmdline + (u32)n, 1);
            cmdline_copy[n] = src[n];
            n++;
        }
        cmdline_copy[n] = '\0';
        info.cmdline = image_virt_to_phys(cmdline_copy);
    }

    if (info.flags & MULTIBOOT_INFO_MEM_MAP) {
        if (info.mmap_length > MMAP_MAX_BYTES)
            panic("multiboot memory map of %u bytes exceeds %u", info.mmap_length, MMAP_MAX_BYTES);
        memcpy(mmap_copy, boot_phys_to_virt(info.mmap_addr, info.mmap_length), info.mmap_length);
        info.mmap_addr = image_virt_to_phys(mmap_copy);
    }
    return &info;
}

const struct multiboot_info *bootinfo(void)
{
    return &info;
}

const char *bootinfo_cmdline(void)
{
    return (info.flags & MULTIBOOT_INFO_CMDLINE) ? cmdline_copy : "";
}
