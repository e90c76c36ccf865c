/* Boot-time memory: usable RAM and reserved ranges in page frames, before the buddy allocator exists. */
#ifndef GUEST_MM_MEMBLOCK_H
#define GUEST_MM_MEMBLOCK_H

#include "lib/types.h"

#define MEMBLOCK_MAX_REGIONS 64

struct memblock_region {
    unsigned long start_pfn, end_pfn;   /* [start, end) */
};

struct memblock_type {
    unsigned int cnt;
    struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

extern struct memblock_type memblock_memory;
extern struct memblock_type memblock_reserved;

/* Byte ranges: RAM is rounded inwards to whole pages, reservations outwards. */
void memblock_add(u64 base, u64 size);
void memblock_reserve(u64 base, u64 size);

/*
 * Top-down, page-granular allocation of whole pages below limit_pfn that are RAM and not
 * reserved; the result is reserved. Failure is fatal (GUEST_EXIT_OOM): the kernel cannot boot.
 */
unsigned long memblock_alloc_pages(unsigned long nr_pages, unsigned long limit_pfn);

bool memblock_is_memory(unsigned long pfn);
/* RAM pages in [start_pfn, end_pfn). */
unsigned long memblock_memory_pages(unsigned long start_pfn, unsigned long end_pfn);
/* Calls fn for each maximal run of RAM that is not reserved, in ascending order. */
void memblock_for_each_free_range(void (*fn)(unsigned long start_pfn, unsigned long end_pfn));

#endif
