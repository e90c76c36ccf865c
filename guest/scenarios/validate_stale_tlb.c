/*
 * validate_stale_tlb: rewrites the PTE of a vmalloc page the TLB already holds, pointing it at
 * another frame, then reads through it (tests/validation/). What happens in between is `flush=`:
 *
 *   none     nothing: the read uses a stale translation, which the host reports as a "stale_tlb"
 *            fault (hardware would silently read the old frame)
 *   invlpg   (the default) invlpg of the page: the read sees the new frame, nothing to report
 *   cr3      a CR3 reload: the kernel's vmalloc PTEs are global when the CPU has PGE, and global
 *            entries survive a CR3 write, so the translation is still stale
 *   global   flush_tlb_global (a CR4.PGE toggle): every entry goes, nothing to report
 *
 * After a real flush the read must return the new frame's data. Otherwise the value depends on
 * what the machine's TLB still holds (QEMU, whose CR3 write drops global entries too, already sees
 * the new frame), so it is not printed. The PTE is restored and flushed before the page is freed.
 * Exit 0; 1 if a flushed read saw the wrong frame; 6 for a bad parameter; 5 if no memory.
 */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "devices/abi/exit_port.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
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
    const char *flush = cmdline_get("flush");
    if (!flush)
        flush = "invlpg";
    bool invalidates = strcmp(flush, "invlpg") == 0 || strcmp(flush, "global") == 0;
    if (!invalidates && strcmp(flush, "none") != 0 && strcmp(flush, "cr3") != 0) {
        printk("validate_stale_tlb: flush=%s is not one of none, invlpg, cr3, global\n", flush);
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
    if (strcmp(flush, "invlpg") == 0)
        invlpg((void *)vm);
    else if (strcmp(flush, "cr3") == 0)
        flush_tlb_all();
    else if (strcmp(flush, "global") == 0)
        flush_tlb_global();
    u32 seen = stale_probe_read(vm);

    int rc = GUEST_EXIT_OK;
    if (invalidates) {
        bool fresh = seen == NEW_VALUE;
        printk("validate_stale_tlb: PTE rewritten, flush=%s, read sees the new frame: %s\n", flush,
               fresh ? "yes" : "no");
        if (!fresh)
            rc = GUEST_EXIT_TEST_FAILED;
    } else {
        printk("validate_stale_tlb: PTE rewritten, flush=%s, read through a possibly stale entry\n", flush);
    }
    *(volatile pte_t *)pte = old;
    invlpg((void *)vm);
    vfree((void *)vm);
    __free_page(other);
    return rc;
}
