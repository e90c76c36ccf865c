/* GDT: null, flat 4 GiB ring-0 code and data; replaces whatever the loader left in GDTR. */
#include "arch/gdt.h"
#include "lib/types.h"

struct gdt_ptr {
    u16 limit;
    u32 base;
} __attribute__((packed));

/* base 0, limit 0xfffff pages, G=1 D=1; access 0x9a = present ring-0 code r/x, 0x92 = data r/w. */
static const u64 gdt[GDT_ENTRIES] __attribute__((aligned(8))) = {
    0,
    0x00cf9a000000ffffull,
    0x00cf92000000ffffull,
};

void gdt_init(void)
{
    struct gdt_ptr p = { sizeof(gdt) - 1, (u32)(uintptr_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs"
                     :
                     : "m"(p), "i"(KERNEL_CS), "r"(KERNEL_DS)
                     : "memory");
}
