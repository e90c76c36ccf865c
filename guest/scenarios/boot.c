/* boot: the default scenario; shows what the loader handed over (command line, memory map). */
#include "scenarios/scenarios.h"
#include "arch/bootinfo.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "arch/exit.h"

static const char *mmap_type_name(u32 type, char *buf, size_t size)
{
    if (type == MULTIBOOT_MEMORY_AVAILABLE)
        return "usable";
    if (type == MULTIBOOT_MEMORY_RESERVED)
        return "reserved";
    snprintk(buf, size, "type %u", type);
    return buf;
}

int scenario_boot(void)
{
    const struct multiboot_info *mbi = bootinfo();

    printk("ia32emu guest kernel: booted\n");
    const char *args = cmdline_raw();
    printk("cmdline:%s%s\n", *args ? " " : "", args);

    if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
        const u8 *p = boot_phys_to_virt(mbi->mmap_addr, mbi->mmap_length);
        const u8 *end = p + mbi->mmap_length;
        while (p < end) {
            const struct multiboot_mmap_entry *e = (const struct multiboot_mmap_entry *)p;
            char type[16];
            printk("mmap: 0x%016llx-0x%016llx %s\n", e->addr, e->addr + e->len - 1,
                   mmap_type_name(e->type, type, sizeof(type)));
            p += e->size + sizeof(e->size);
        }
    } else {
        printk("mmap: none\n");
    }

    if (mbi->flags & MULTIBOOT_INFO_MEMORY)
        printk("mem_lower=%uK mem_upper=%uK\n", mbi->mem_lower, mbi->mem_upper);
    else
        printk("mem_lower/mem_upper: none\n");
    return GUEST_EXIT_OK;
}
