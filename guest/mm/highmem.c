/* kmap/kunmap: reference-counted mappings of highmem pages in the pkmap window. */
#include "mm/highmem.h"
#include "arch/cpu.h"
#include "arch/exit.h"
#include "mm/debug.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

static unsigned int pkmap_count[LAST_PKMAP];
static unsigned int last_pkmap_nr;
static unsigned int slots_in_use;

static unsigned int pkmap_slot(const void *vaddr)
{
    return (unsigned int)(((unsigned long)vaddr - PKMAP_BASE) >> PAGE_SHIFT);
}

/*
 * Slots are unmapped as soon as their count drops to zero (Linux defers that to a batched flush;
 * an eager invlpg keeps the pkmap window free of stale entries without that machinery).
 */
__attribute__((noinline)) void *kmap(struct page *page)
{
    unsigned long caller = _RET_IP_;
    void *vaddr = NULL;
    if (!PageHighMem(page)) {
        vaddr = page_address(page);
    } else if (page->virtual) {
        vaddr = page->virtual;
        pkmap_count[pkmap_slot(vaddr)]++;
    } else {
        for (unsigned int n = 0; n < LAST_PKMAP && !vaddr; n++) {
            unsigned int slot = (last_pkmap_nr + n) % LAST_PKMAP;
            if (pkmap_count[slot] == 0) {
                last_pkmap_nr = (slot + 1) % LAST_PKMAP;
                pkmap_count[slot] = 1;
                slots_in_use++;
                vaddr = (void *)(PKMAP_BASE + slot * PAGE_SIZE);
                pkmap_page_table[slot] = page_to_phys(page) | PAGE_KERNEL;
                page->virtual = vaddr;
            }
        }
        if (!vaddr)
            mm_fatal(GUEST_EXIT_PANIC, caller, "kmap: all %d pkmap slots are in use", LAST_PKMAP);
    }
    return vaddr;
}

__attribute__((noinline)) void kunmap(struct page *page)
{
    unsigned long caller = _RET_IP_;
    if (!PageHighMem(page))
        return;
    if (!page->virtual) {
        mm_bug(caller, "kunmap: pfn 0x%lx is not kmapped", page_to_pfn(page));
        return;
    }
    unsigned int slot = pkmap_slot(page->virtual);
    if (--pkmap_count[slot] == 0) {
        pkmap_page_table[slot] = 0;
        invlpg(page->virtual);
        page->virtual = NULL;
        slots_in_use--;
    }
}

unsigned int kmap_slots_in_use(void)
{
    return slots_in_use;
}
