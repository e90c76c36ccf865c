/* The buddy page allocator: struct page, zones, and the alloc_pages family. */
#ifndef GUEST_MM_PAGE_ALLOC_H
#define GUEST_MM_PAGE_ALLOC_H

#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/list.h"

#define MAX_ORDER 11   /* orders 0..10: blocks of 4 KiB .. 4 MiB */

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };

/* page->flags bits; the zone index lives in the top bits. */
#define PG_reserved 0x01u  /* not managed by the buddy allocator (holes, kernel, boot tables) */
#define PG_buddy 0x02u     /* head of a free block; private = order */
#define PG_head 0x04u      /* head of an allocated block; private = order */
#define PG_tail 0x08u      /* inside a compound block; first_page = head */
#define PG_slab 0x10u      /* head of a slab */
#define PG_large 0x20u     /* head of a kmalloc allocation too big for the slab classes */
#define PG_pgtable 0x40u   /* a page table allocated on demand; inuse = live PTEs */
#define PG_ZONE_SHIFT 28

struct kmem_cache;

struct page {
    u32 flags;
    u32 private;                  /* order of a free block or of an allocated head */
    struct list_head lru;         /* buddy free list, or the slab's partial/full list */
    struct page *first_page;      /* head of the compound block, for tail pages */
    struct kmem_cache *slab_cache;
    void *freelist;               /* first free object of a slab */
    u16 inuse;                    /* objects in use (slab), live PTEs (page table) */
    u16 objects;
    void *virtual;                /* kmap address of a highmem page, NULL when unmapped */
};

struct free_area {
    struct list_head free_list;
    unsigned long nr_free;
};

struct zone {
    const char *name;
    unsigned long start_pfn, end_pfn;  /* spanned range */
    unsigned long present_pages;       /* usable RAM pages in the span */
    unsigned long managed_pages;       /* handed to the buddy allocator at boot */
    unsigned long free_pages;
    struct free_area free_area[MAX_ORDER];
};

extern struct page *mem_map;
extern struct zone zones[MAX_NR_ZONES];

static inline unsigned long page_to_pfn(const struct page *page)
{
    return (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
    return mem_map + pfn;
}

static inline bool pfn_valid(unsigned long pfn)
{
    return pfn < max_pfn;
}

static inline unsigned long page_to_phys(const struct page *page)
{
    return page_to_pfn(page) << PAGE_SHIFT;
}

static inline unsigned int page_zonenum(const struct page *page)
{
    return page->flags >> PG_ZONE_SHIFT;
}

static inline struct zone *page_zone(const struct page *page)
{
    return &zones[page_zonenum(page)];
}

static inline bool PageHighMem(const struct page *page)
{
    return page_to_pfn(page) >= max_low_pfn;
}

/* Only for direct-map addresses; callers outside mm validate with virt_addr_valid first. */
static inline struct page *virt_to_page(const void *addr)
{
    return pfn_to_page(__pa_nodebug(addr) >> PAGE_SHIFT);
}

static inline struct page *compound_head(struct page *page)
{
    return (page->flags & PG_tail) ? page->first_page : page;
}

static inline struct page *virt_to_head_page(const void *addr)
{
    return compound_head(virt_to_page(addr));
}

static inline unsigned int get_order(unsigned long size)
{
    unsigned int order = 0;
    size = (size - 1) >> PAGE_SHIFT;
    while (size) {
        order++;
        size >>= 1;
    }
    return order;
}

/* Zeroes one page with rep stosl, as Linux's clear_page: the byte-loop memset is 4x the stores. */
static inline void clear_page(void *addr)
{
    u32 d0, d1;
    __asm__ volatile("rep stosl" : "=&c"(d0), "=&D"(d1) : "0"(PAGE_SIZE / 4), "1"(addr), "a"(0) : "memory");
}

/* The kernel-virtual address of a page: the direct map, or its kmap address (NULL if none). */
void *page_address(const struct page *page);

struct page *alloc_pages(gfp_t gfp, unsigned int order);
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);

#define alloc_page(gfp) alloc_pages(gfp, 0)
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
#define __free_page(page) __free_pages(page, 0)
#define free_page(addr) free_pages(addr, 0)

/* Allocator internals shared with slab/vmalloc: the caller is passed for BUG/WARN lines. */
struct page *__alloc_pages_caller(gfp_t gfp, unsigned int order, unsigned long caller);
void __free_pages_caller(struct page *page, unsigned int order, unsigned long caller);
/* Turns an order-N non-compound allocation into 2^N order-0 allocations (as Linux's split_page). */
void split_page(struct page *page, unsigned int order);

unsigned long nr_free_pages(void);
/* Prints one /proc/buddyinfo-style line per populated zone; returns how many. */
int show_buddyinfo(void);

/* Free-list counts of every zone and order: equal snapshots mean equal buddy states. */
struct buddy_snapshot {
    unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
    unsigned long free_pages;
};
void buddy_snapshot(struct buddy_snapshot *s);
bool buddy_snapshot_equal(const struct buddy_snapshot *a, const struct buddy_snapshot *b);

/* Boot: zone spans from the layout, mem_map from memblock, then memblock's free RAM into the lists. */
void page_alloc_init(void);

#endif
