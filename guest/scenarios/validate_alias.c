/*
 * validate_alias: one physical frame reached through two virtual addresses, the direct map (a 4 MiB
 * global page) and a vmap alias (a 4 KiB page), so a test can check that the host charges each
 * access to the translation it actually used (tests/validation/). Three regions of `loads`
 * iterations, two loads each:
 *
 *   validate_alias:direct  both loads through the direct map, alias invlpg'd first: no DTLB miss
 *   validate_alias:vmap    both loads through the alias, alias invlpg'd first: one miss, one walk
 *   validate_alias:mixed   one load through each, then invlpg of the alias: every alias load
 *                          misses (loads misses and walks), the direct-map loads never do
 *
 * The loads use different offsets in the page on every iteration, so neither alias can be told
 * from the other by offset. Prints whether the alias reads what the direct map wrote; exit 0, or
 * 1 if it does not, 6 for a bad parameter, 5 if the page or the alias could not be had.
 */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "devices/abi/exit_port.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/roi.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"

#define MAX_LOADS 1000000UL
#define STEP 68   /* bytes between iterations: a new line each time, wrapping inside the page */

/* `loads` iterations of a load at p+off and one at q+off, off stepping through the page. */
static __attribute__((noinline)) void load_pairs(const volatile u8 *p, const volatile u8 *q, unsigned long loads)
{
    unsigned long off = 0;
    for (unsigned long i = 0; i < loads; i++) {
        (void)*(const volatile u32 *)(p + off);
        (void)*(const volatile u32 *)(q + off);
        off = (off + STEP) & (PAGE_SIZE - 4);
    }
}

/* The same, with the alias q dropped from the TLB after every pair. */
static __attribute__((noinline)) void load_pairs_invlpg(const volatile u8 *p, const volatile u8 *q,
                                                        unsigned long loads)
{
    unsigned long off = 0;
    for (unsigned long i = 0; i < loads; i++) {
        (void)*(const volatile u32 *)(p + off);
        (void)*(const volatile u32 *)(q + off);
        invlpg((void *)q);
        off = (off + STEP) & (PAGE_SIZE - 4);
    }
}

int scenario_validate_alias(void)
{
    unsigned long loads = cmdline_get_ulong("loads", 64);
    if (loads < 1 || loads > MAX_LOADS) {
        printk("validate_alias: loads=%lu out of range 1..%lu\n", loads, MAX_LOADS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    struct page *page = alloc_page(GFP_KERNEL);
    u8 *alias = page ? vmap(&page, 1, VM_MAP, PAGE_KERNEL) : NULL;
    if (!alias) {
        printk("validate_alias: no page or no alias\n");
        if (page)
            __free_page(page);
        return GUEST_EXIT_OOM;
    }
    u32 *direct = page_address(page);
    for (unsigned long i = 0; i < PAGE_SIZE / 4; i++)
        direct[i] = 0x5a000000u | (u32)i;
    bool same = true;
    for (unsigned long i = 0; i < PAGE_SIZE / 4; i++)
        same = same && ((volatile u32 *)alias)[i] == (0x5a000000u | (u32)i);

    /* Run both functions once so their code and the direct map's TLB entry are warm. */
    load_pairs((u8 *)direct, alias, 1);
    load_pairs_invlpg((u8 *)direct, alias, 1);

    invlpg(alias);
    roi_begin("validate_alias:direct");
    load_pairs((u8 *)direct, (u8 *)direct, loads);
    roi_end("validate_alias:direct");

    invlpg(alias);
    roi_begin("validate_alias:vmap");
    load_pairs(alias, alias, loads);
    roi_end("validate_alias:vmap");

    invlpg(alias);
    roi_begin("validate_alias:mixed");
    load_pairs_invlpg((u8 *)direct, alias, loads);
    roi_end("validate_alias:mixed");

    printk("validate_alias: loads=%lu alias reads the direct map's data: %s\n", loads, same ? "yes" : "no");
    vunmap(alias);
    __free_page(page);
    return same ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
