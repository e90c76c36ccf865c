/* Boot-time memory map: RAM from the Multiboot map minus reservations, sorted and merged by pfn. */
#include "mm/memblock.h"
#include "arch/exit.h"
#include "mm/debug.h"
#include "mm/layout.h"

struct memblock_type memblock_memory;
struct memblock_type memblock_reserved;

/* Inserts [s, e) keeping the regions sorted and merging overlapping or touching neighbours. */
static void region_insert(struct memblock_type *t, unsigned long s, unsigned long e)
{
    if (s >= e)
        return;
    unsigned int i = 0;
    while (i < t->cnt && t->regions[i].end_pfn < s)
        i++;
    /* Absorb every region that overlaps or touches [s, e). */
    unsigned int j = i;
    while (j < t->cnt && t->regions[j].start_pfn <= e) {
        if (t->regions[j].start_pfn < s)
            s = t->regions[j].start_pfn;
        if (t->regions[j].end_pfn > e)
            e = t->regions[j].end_pfn;
        j++;
    }
    unsigned int removed = j - i;
    if (removed == 0) {
        if (t->cnt == MEMBLOCK_MAX_REGIONS)
            mm_fatal(GUEST_EXIT_PANIC, _RET_IP_, "memblock: more than %d regions", MEMBLOCK_MAX_REGIONS);
        for (unsigned int k = t->cnt; k > i; k--)
            t->regions[k] = t->regions[k - 1];
        t->cnt++;
    } else if (removed > 1) {
        for (unsigned int k = i + 1; k + removed - 1 < t->cnt; k++)
            t->regions[k] = t->regions[k + removed - 1];
        t->cnt -= removed - 1;
    }
    t->regions[i].start_pfn = s;
    t->regions[i].end_pfn = e;
}

/* Physical memory above 4 GiB is unreachable without PAE: ignored. */
static u64 clip_4g(u64 x)
{
    return x > MAX_PHYS_ADDR_NONPAE ? MAX_PHYS_ADDR_NONPAE : x;
}

void memblock_add(u64 base, u64 size)
{
    u64 start = clip_4g(base + PAGE_SIZE - 1) >> PAGE_SHIFT;
    u64 end = clip_4g(base + size) >> PAGE_SHIFT;
    region_insert(&memblock_memory, (unsigned long)start, (unsigned long)end);
}

void memblock_reserve(u64 base, u64 size)
{
    u64 start = clip_4g(base) >> PAGE_SHIFT;
    u64 end = (clip_4g(base + size) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    region_insert(&memblock_reserved, (unsigned long)start, (unsigned long)end);
}

bool memblock_is_memory(unsigned long pfn)
{
    for (unsigned int i = 0; i < memblock_memory.cnt; i++)
        if (pfn >= memblock_memory.regions[i].start_pfn && pfn < memblock_memory.regions[i].end_pfn)
            return true;
    return false;
}

unsigned long memblock_memory_pages(unsigned long start_pfn, unsigned long end_pfn)
{
    unsigned long n = 0;
    for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
        unsigned long s = memblock_memory.regions[i].start_pfn;
        unsigned long e = memblock_memory.regions[i].end_pfn;
        if (s < start_pfn)
            s = start_pfn;
        if (e > end_pfn)
            e = end_pfn;
        if (s < e)
            n += e - s;
    }
    return n;
}

/* Lowest start of a reservation overlapping [s, e), or -1: nothing above it can fit, so skip there. */
static unsigned long reserved_overlap_start(unsigned long s, unsigned long e)
{
    unsigned long lowest = 0;
    bool found = false;
    for (unsigned int i = 0; i < memblock_reserved.cnt; i++) {
        const struct memblock_region *r = &memblock_reserved.regions[i];
        if (r->start_pfn < e && r->end_pfn > s && (!found || r->start_pfn < lowest)) {
            lowest = r->start_pfn;
            found = true;
        }
    }
    return found ? lowest : (unsigned long)-1;
}

unsigned long memblock_alloc_pages(unsigned long nr_pages, unsigned long limit_pfn)
{
    unsigned long result = 0;
    bool found = false;
    for (int i = (int)memblock_memory.cnt - 1; i >= 0 && !found; i--) {
        unsigned long rs = memblock_memory.regions[i].start_pfn;
        unsigned long end = memblock_memory.regions[i].end_pfn;
        if (end > limit_pfn)
            end = limit_pfn;
        /* Slide the candidate [end - n, end) down below each reservation it overlaps. */
        while (end >= rs + nr_pages) {
            unsigned long s = end - nr_pages;
            unsigned long clash = reserved_overlap_start(s, end);
            if (clash == (unsigned long)-1) {
                result = s;
                found = true;
                break;
            }
            end = clash;
        }
    }
    if (!found)
        mm_fatal(GUEST_EXIT_OOM, _RET_IP_, "memblock: cannot allocate %lu pages below pfn 0x%lx",
                 nr_pages, limit_pfn);
    region_insert(&memblock_reserved, result, result + nr_pages);
    return result;
}

void memblock_for_each_free_range(void (*fn)(unsigned long start_pfn, unsigned long end_pfn))
{
    for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
        unsigned long s = memblock_memory.regions[i].start_pfn;
        unsigned long e = memblock_memory.regions[i].end_pfn;
        for (unsigned int j = 0; j < memblock_reserved.cnt && s < e; j++) {
            const struct memblock_region *r = &memblock_reserved.regions[j];
            if (r->end_pfn <= s || r->start_pfn >= e)
                continue;
            if (r->start_pfn > s)
                fn(s, r->start_pfn);
            s = r->end_pfn;
        }
        if (s < e)
            fn(s, e);
    }
}
