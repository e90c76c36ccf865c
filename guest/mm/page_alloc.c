/* The binary buddy allocator: per-zone free lists of orders 0..10 over the mem_map array. */
#include "mm/page_alloc.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/highmem.h"
#include "mm/memblock.h"

struct page *mem_map;
struct zone zones[MAX_NR_ZONES] = {
    [ZONE_DMA] = { .name = "DMA" },
    [ZONE_NORMAL] = { .name = "Normal" },
    [ZONE_HIGHMEM] = { .name = "HighMem" },
};

void *page_address(const struct page *page)
{
    if (!PageHighMem(page))
        return __va(page_to_phys(page));
    return page->virtual;
}

static void add_free_block(struct zone *zone, struct page *page, unsigned int order)
{
    page->flags = (page->flags & ~(PG_head | PG_tail)) | PG_buddy;
    page->private = order;
    list_add(&page->lru, &zone->free_area[order].free_list);
    zone->free_area[order].nr_free++;
}

static void del_free_block(struct zone *zone, struct page *page, unsigned int order)
{
    list_del(&page->lru);
    page->flags &= ~PG_buddy;
    zone->free_area[order].nr_free--;
}

/* Merges the block with its free buddies for as long as they are free blocks of the same order. */
static void free_one_block(struct zone *zone, struct page *page, unsigned int order)
{
    unsigned long pfn = page_to_pfn(page);
    zone->free_pages += 1UL << order;
    while (order < MAX_ORDER - 1) {
        unsigned long buddy_pfn = pfn ^ (1UL << order);
        if (buddy_pfn < zone->start_pfn || buddy_pfn + (1UL << order) > zone->end_pfn)
            break;
        struct page *buddy = pfn_to_page(buddy_pfn);
        if (!(buddy->flags & PG_buddy) || buddy->private != order)
            break;
        del_free_block(zone, buddy, order);
        pfn &= ~(1UL << order);
        order++;
    }
    add_free_block(zone, pfn_to_page(pfn), order);
}

/* Takes the first block of the smallest order that fits and puts the unused upper halves back. */
static struct page *rmqueue(struct zone *zone, unsigned int order, unsigned long caller)
{
    for (unsigned int o = order; o < MAX_ORDER; o++) {
        struct free_area *area = &zone->free_area[o];
        if (list_empty(&area->free_list))
            continue;
        struct page *page = list_first_entry(&area->free_list, struct page, lru);
        if (!(page->flags & PG_buddy) || page->private != o)
            mm_fatal(GUEST_EXIT_PANIC, caller, "buddy: corrupted free list in zone %s order %u (pfn 0x%lx)",
                     zone->name, o, page_to_pfn(page));
        del_free_block(zone, page, o);
        while (o > order) {
            o--;
            add_free_block(zone, page + (1UL << o), o);
        }
        zone->free_pages -= 1UL << order;
        return page;
    }
    return NULL;
}

static enum zone_type highest_zone(gfp_t gfp)
{
    if (gfp & __GFP_DMA)
        return ZONE_DMA;
    if (gfp & __GFP_HIGHMEM)
        return ZONE_HIGHMEM;
    return ZONE_NORMAL;
}

static void zero_block(struct page *page, unsigned int order)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        void *va = kmap(page + i);
        clear_page(va);
        kunmap(page + i);
    }
}

__noinline struct page *__alloc_pages_caller(gfp_t gfp, unsigned int order, unsigned long caller)
{
    struct page *page = NULL;
    if (order >= MAX_ORDER) {
        if (!(gfp & __GFP_NOWARN))
            mm_warn(caller, "page allocation: order %u exceeds MAX_ORDER-1 (%u)", order, MAX_ORDER - 1);
        return NULL;
    }
    /* Zone fallback: the highest zone the flags allow first, then down towards DMA. */
    for (int z = (int)highest_zone(gfp); z >= 0 && !page; z--)
        if (zones[z].free_pages >= (1UL << order))
            page = rmqueue(&zones[z], order, caller);
    if (!page) {
        if (gfp & __GFP_NOFAIL)
            mm_fatal(GUEST_EXIT_OOM, caller, "out of memory: order %u gfp 0x%x with __GFP_NOFAIL", order, gfp);
        if (!(gfp & __GFP_NOWARN))
            mm_warn(caller, "page allocation failure: order:%u mode:0x%x", order, gfp);
        return NULL;
    }
    page->flags |= PG_head;
    page->private = order;
    if (gfp & __GFP_COMP)
        for (unsigned long i = 1; i < (1UL << order); i++) {
            page[i].flags |= PG_tail;
            page[i].first_page = page;
        }
    if (gfp & __GFP_ZERO)
        zero_block(page, order);
    return page;
}

/* Refuses (with a BUG line) anything but the head of a live block of exactly this order. */
static bool free_is_valid(struct page *page, unsigned int order, unsigned long caller)
{
    unsigned long pfn = page_to_pfn(page);
    if (pfn >= max_pfn) {
        mm_bug(caller, "free_pages: pfn 0x%lx is not RAM", pfn);
        return false;
    }
    if (page->flags & PG_buddy) {
        mm_bug(caller, "free_pages: double free of pfn 0x%lx order %u", pfn, order);
        return false;
    }
    if (page->flags & PG_reserved) {
        mm_bug(caller, "free_pages: pfn 0x%lx is reserved", pfn);
        return false;
    }
    if (page->flags & PG_tail) {
        mm_bug(caller, "free_pages: pfn 0x%lx is inside a larger block", pfn);
        return false;
    }
    if (!(page->flags & PG_head)) {
        mm_bug(caller, "free_pages: pfn 0x%lx was not allocated (double free or foreign page)", pfn);
        return false;
    }
    if (page->private != order) {
        mm_bug(caller, "free_pages: pfn 0x%lx freed with order %u, allocated with order %u", pfn, order,
               page->private);
        return false;
    }
    if (page->flags & (PG_slab | PG_pgtable)) {
        mm_bug(caller, "free_pages: pfn 0x%lx is in use as a %s", pfn,
               (page->flags & PG_slab) ? "slab" : "page table");
        return false;
    }
    return true;
}

void __free_pages_caller(struct page *page, unsigned int order, unsigned long caller)
{
    if (!free_is_valid(page, order, caller))
        return;
    if (PageHighMem(page) && page->virtual)
        mm_bug(caller, "free_pages: highmem pfn 0x%lx is still kmapped", page_to_pfn(page));
    page->flags &= ~(PG_head | PG_large);
    for (unsigned long i = 1; i < (1UL << order); i++)
        page[i].flags &= ~PG_tail;
    free_one_block(page_zone(page), page, order);
}

void split_page(struct page *page, unsigned int order)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        page[i].flags = (page[i].flags & ~PG_tail) | PG_head;
        page[i].private = 0;
    }
}

__tracked struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
    struct page *page = __alloc_pages_caller(gfp, order, _RET_IP_);
    keep_frame(page);
    return page;
}

static __noinline unsigned long do_get_free_pages(gfp_t gfp, unsigned int order, unsigned long caller)
{
    if (gfp & __GFP_HIGHMEM) {
        /* A highmem page has no permanent kernel address to return. */
        mm_warn(caller, "__get_free_pages: __GFP_HIGHMEM is not allowed, using lowmem");
        gfp &= ~__GFP_HIGHMEM;
    }
    struct page *page = __alloc_pages_caller(gfp, order, caller);
    return page ? (unsigned long)page_address(page) : 0;
}

__tracked unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
    unsigned long addr = do_get_free_pages(gfp, order, _RET_IP_);
    keep_frame(addr);
    return addr;
}

__attribute__((noinline)) unsigned long get_zeroed_page(gfp_t gfp)
{
    unsigned long caller = _RET_IP_;
    struct page *page = __alloc_pages_caller((gfp & ~__GFP_HIGHMEM) | __GFP_ZERO, 0, caller);
    return page ? (unsigned long)page_address(page) : 0;
}

__attribute__((noinline)) void __free_pages(struct page *page, unsigned int order)
{
    if (page)
        __free_pages_caller(page, order, _RET_IP_);
}

static __noinline void do_free_pages(unsigned long addr, unsigned int order, unsigned long caller)
{
    if (addr == 0) {
        /* as Linux: free_pages(0, order) does nothing */
    } else if (!virt_addr_valid((void *)addr)) {
        mm_bug(caller, "free_pages: 0x%08lx is not a direct-map address", addr);
    } else if (addr & ~PAGE_MASK) {
        mm_bug(caller, "free_pages: 0x%08lx is not page aligned", addr);
    } else {
        __free_pages_caller(virt_to_page((void *)addr), order, caller);
    }
}

__tracked void free_pages(unsigned long addr, unsigned int order)
{
    do_free_pages(addr, order, _RET_IP_);
    keep_frame_void();
}

unsigned long nr_free_pages(void)
{
    unsigned long n = 0;
    for (int z = 0; z < MAX_NR_ZONES; z++)
        n += zones[z].free_pages;
    return n;
}

int show_buddyinfo(void)
{
    int shown = 0;
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        if (!zones[z].present_pages)
            continue;
        printk("Node 0, zone %8s", zones[z].name);
        for (int o = 0; o < MAX_ORDER; o++)
            printk(" %6lu", zones[z].free_area[o].nr_free);
        printk("\n");
        shown++;
    }
    return shown;
}

void buddy_snapshot(struct buddy_snapshot *s)
{
    for (int z = 0; z < MAX_NR_ZONES; z++)
        for (int o = 0; o < MAX_ORDER; o++)
            s->nr_free[z][o] = zones[z].free_area[o].nr_free;
    s->free_pages = nr_free_pages();
}

bool buddy_snapshot_equal(const struct buddy_snapshot *a, const struct buddy_snapshot *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

/*
 * Hands a free RAM range to the buddy lists, split at zone boundaries, in the largest naturally
 * aligned blocks that fit; free_one_block still merges across the range's ends, so the lists end
 * up exactly as freeing every page one by one would leave them, in far fewer steps.
 */
static void free_boot_range(unsigned long start, unsigned long end)
{
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        unsigned long pfn = start > zones[z].start_pfn ? start : zones[z].start_pfn;
        unsigned long e = end < zones[z].end_pfn ? end : zones[z].end_pfn;
        while (pfn < e) {
            unsigned int order = MAX_ORDER - 1;
            while ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > e)
                order--;
            for (unsigned long i = 0; i < (1UL << order); i++)
                mem_map[pfn + i].flags &= ~PG_reserved;
            zones[z].managed_pages += 1UL << order;
            free_one_block(&zones[z], pfn_to_page(pfn), order);
            pfn += 1UL << order;
        }
    }
}

void page_alloc_init(void)
{
    unsigned long dma_end = max_low_pfn < MAX_DMA_PFN ? max_low_pfn : MAX_DMA_PFN;
    zones[ZONE_DMA].start_pfn = 0;
    zones[ZONE_DMA].end_pfn = dma_end;
    zones[ZONE_NORMAL].start_pfn = dma_end;
    zones[ZONE_NORMAL].end_pfn = max_low_pfn;
    zones[ZONE_HIGHMEM].start_pfn = max_low_pfn;
    zones[ZONE_HIGHMEM].end_pfn = max_pfn;
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        zones[z].present_pages = memblock_memory_pages(zones[z].start_pfn, zones[z].end_pfn);
        for (int o = 0; o < MAX_ORDER; o++)
            INIT_LIST_HEAD(&zones[z].free_area[o].free_list);
    }

    /* mem_map lives at the top of lowmem, like Linux's memblock allocations, leaving DMA alone. */
    unsigned long bytes = max_pfn * sizeof(struct page);
    unsigned long pfn = memblock_alloc_pages(PAGE_ALIGN(bytes) >> PAGE_SHIFT, max_low_pfn);
    mem_map = __va(pfn << PAGE_SHIFT);
    for (int z = 0; z < MAX_NR_ZONES; z++)
        for (unsigned long p = zones[z].start_pfn; p < zones[z].end_pfn; p++)
            mem_map[p] = (struct page){ .flags = PG_reserved | ((u32)z << PG_ZONE_SHIFT) };

    memblock_for_each_free_range(free_boot_range);
}
