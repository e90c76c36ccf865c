/*
 * validate_stale_tlb: rewrites the PTE of a vmalloc page the TLB already holds, pointing it at
 * another frame, then reads through it (tests/validation/). With flush=0 there is no invlpg in
 * between, so the read uses a stale translation, which the host reports as a "stale_tlb" fault
 * (hardware would silently read the old frame). With flush=1 (the default) the page is invlpg'd
 * first, the read sees the new frame, and there is nothing to report.
 *
 * Without the flush the value read depends on what the machine's TLB still holds, so it is not
 * printed; with it the read must return the new frame's data. The PTE is restored and flushed
 * before the page is freed. Exit 0; 1 if the flushed read saw the wrong frame; 6 for a bad
 * parameter; 5 if no memory.
 */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "devices/abi/exit_port.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"

#define OLD_VALUE 0x01d01d00u
#define NEW_VALUE 0x0e1e1e1eu

/* Kept out of line so the stale access has an EIP of its own to report. */
static __attribute__((noinline)) u32 stale_probe_read(const volatile u32 *p)
{
    return *p;
}

int scenario_validate_stale_tlb(void)
{
    unsigned long flush = cmdline_get_ulong("flush", 1);
    if (flush > 1) {
        printk("validate_stale_tlb: flush=%lu is neither 0 nor 1\n", flush);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    volatile u32 *vm = vmalloc(PAGE_SIZE);
    struct page *other = alloc_page(GFP_KERNEL);
    pte_t *pte = vm ? lookup_pte((unsigned long)vm) : NULL;
    if (!vm || !other || !pte) {
        printk("validate_stale_tlb: no memory\n");
        if (other)
            __free_page(other);
        if (vm)
            vfree((void *)vm);
        return GUEST_EXIT_OOM;
    }
    *(volatile u32 *)page_address(other) = NEW_VALUE;
    vm[0] = OLD_VALUE;
    (void)stale_probe_read(vm);

    pte_t old = *pte;
    *(volatile pte_t *)pte = (pte_t)page_to_phys(other) | (old & ~PAGE_MASK);
    if (flush)
        invlpg((void *)vm);
    u32 seen = stale_probe_read(vm);

    int rc = GUEST_EXIT_OK;
    if (flush) {
        bool fresh = seen == NEW_VALUE;
        printk("validate_stale_tlb: PTE rewritten, invlpg, read sees the new frame: %s\n", fresh ? "yes" : "no");
        if (!fresh)
            rc = GUEST_EXIT_TEST_FAILED;
    } else {
        printk("validate_stale_tlb: PTE rewritten without invlpg, read through the stale entry\n");
    }
    *(volatile pte_t *)pte = old;
    invlpg((void *)vm);
    vfree((void *)vm);
    __free_page(other);
    return rc;
}
