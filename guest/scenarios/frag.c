/*
 * frag: fragments lowmem by freeing every other page of everything the buddy allocator has, then
 * shows that an order-4 __get_free_pages fails while vmalloc(64 KiB) (page by page) succeeds.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "mm/mm.h"

#define FRAG_ORDER 4
#define VSIZE (64 * 1024UL)

struct block {
    unsigned long next;
    unsigned int order;
};

/* Takes every free lowmem block, largest first, chained through the blocks' first words. */
static unsigned long take_all_lowmem(void)
{
    unsigned long head = 0;
    for (int order = MAX_ORDER - 1; order >= 0; order--) {
        unsigned long a;
        while ((a = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order)) != 0) {
            struct block *b = (struct block *)a;
            b->next = head;
            b->order = (unsigned int)order;
            head = a;
        }
    }
    return head;
}

/* Splits each block into pages, frees the odd pfns and keeps the even ones (returned as a chain). */
static unsigned long free_every_other_page(unsigned long blocks, unsigned long *freed)
{
    unsigned long kept = 0;
    while (blocks) {
        struct block *b = (struct block *)blocks;
        unsigned long next = b->next;
        unsigned int order = b->order;
        split_page(virt_to_page(b), order);
        for (unsigned long i = 0; i < (1UL << order); i++) {
            unsigned long a = blocks + i * PAGE_SIZE;
            if ((__pa(a) >> PAGE_SHIFT) & 1) {
                free_pages(a, 0);
                (*freed)++;
            } else {
                *(unsigned long *)a = kept;
                kept = a;
            }
        }
        blocks = next;
    }
    return kept;
}

static void print_pfns(const char *what, const void *v)
{
    printk("frag: %s pfns:", what);
    for (unsigned long off = 0; off < VSIZE; off += PAGE_SIZE)
        printk(" 0x%lx", vmalloc_to_pfn((const char *)v + off));
    printk("\n");
}

int scenario_frag(void)
{
    struct buddy_snapshot before, after;
    kmem_cache_shrink_all();
    buddy_snapshot(&before);
    printk("frag: buddyinfo before\n");
    show_buddyinfo();

    unsigned long freed = 0;
    unsigned long kept = free_every_other_page(take_all_lowmem(), &freed);
    printk("frag: took all of lowmem, freed every other page (%lu pages)\n", freed);
    printk("frag: buddyinfo fragmented\n");
    show_buddyinfo();

    unsigned long big = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, FRAG_ORDER);
    printk("frag: __get_free_pages(GFP_KERNEL, %d) = %s\n", FRAG_ORDER, big ? "success" : "NULL (no free order-4 block)");
    void *v = vmalloc(VSIZE);
    void *v32 = vmalloc_32(VSIZE);
    printk("frag: vmalloc(%lu) = %s\n", VSIZE, v ? "success" : "NULL");
    printk("frag: vmalloc_32(%lu) = %s\n", VSIZE, v32 ? "success" : "NULL");
    if (v)
        print_pfns("vmalloc", v);
    if (v32)
        print_pfns("vmalloc_32", v32);

    vfree(v);
    vfree(v32);
    if (big)
        free_pages(big, FRAG_ORDER);
    while (kept) {
        unsigned long next = *(unsigned long *)kept;
        free_pages(kept, 0);
        kept = next;
    }
    kmem_cache_shrink_all();
    buddy_snapshot(&after);
    bool restored = buddy_snapshot_equal(&before, &after);
    printk("frag: buddyinfo after freeing everything\n");
    show_buddyinfo();
    printk("frag: free lists back to their state before: %s\n", restored ? "yes" : "no");

    bool good = !big && v && v32 && restored;
    printk("frag: %s\n", good ? "PASS" : "FAIL");
    return good ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
