/* kmain: bring up the CPU tables and console, save the boot information, set up memory, run a scenario. */
#include "arch/bootinfo.h"
#include "arch/exit.h"
#include "arch/gdt.h"
#include "arch/traps.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "scenarios/scenarios.h"

void kmain(u32 magic, u32 mbi_phys) __attribute__((noreturn));

static const struct scenario *find_scenario(const char *name)
{
    for (int i = 0; i < nr_scenarios; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    return NULL;
}

void kmain(u32 magic, u32 mbi_phys)
{
    gdt_init();
    trap_init();
    console_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        panic("not started by a Multiboot loader: magic 0x%08x", magic);

    const struct multiboot_info *mbi = bootinfo_save(mbi_phys);
    cmdline_init(bootinfo_cmdline());

    const char *name = cmdline_get("scenario");
    if (!name || !*name)
        name = "boot";
    if (strcmp(name, "help") == 0) {
        scenarios_print_help();
        guest_exit(GUEST_EXIT_OK);
    }
    const struct scenario *s = find_scenario(name);
    if (!s) {
        printk("unknown scenario: %s\n", name);
        scenarios_print_help();
        guest_exit(GUEST_EXIT_BAD_CMDLINE);
    }

    mm_init(mbi);
    guest_exit(s->run());
}
