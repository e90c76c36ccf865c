/*
 * The Linux i386 (non-PAE, 3G/1G split) kernel address-space layout, in one place:
 *
 *   0xC0000000 PAGE_OFFSET  direct map of lowmem (physical 0 .. max_low_pfn)
 *   high_memory             end of the direct map
 *   + VMALLOC_OFFSET (8 MiB) unmapped hole that catches overruns off the direct map
 *   VMALLOC_START .. VMALLOC_END   vmalloc, vmap and ioremap areas
 *   2 guard pages
 *   PKMAP_BASE 0xFF800000   LAST_PKMAP persistent kmap slots (one page table)
 *   FIXADDR_START 0xFFC00000 fixmap area, up to FIXADDR_TOP 0xFFFFF000 (nothing mapped yet)
 *
 * Lowmem is capped at MAXMEM = 4 GiB - PAGE_OFFSET - vmalloc_reserve. The default reserve is the
 * classic 128 MiB counted from the top of the address space, which gives the familiar 896 MiB
 * lowmem limit (as 2.4/early 2.6 i386 did). `vmalloc=SIZE` behaves as in Linux: the vmalloc area
 * becomes exactly SIZE, so the reserve grows to SIZE + VMALLOC_OFFSET + the pkmap/fixmap space
 * and the lowmem limit (and with it high_memory) moves down, or up for a small SIZE.
 */
#ifndef GUEST_MM_LAYOUT_H
#define GUEST_MM_LAYOUT_H

#include "arch/setup.h"
#include "lib/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define PGDIR_SHIFT 22
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define PTRS_PER_PGD 1024
#define PTRS_PER_PTE 1024

#define VMALLOC_OFFSET (8UL << 20)
#define VMALLOC_RESERVE_DEFAULT (128UL << 20)

#define FIXADDR_TOP 0xFFFFF000UL
#define FIXADDR_START 0xFFC00000UL
#define LAST_PKMAP 1024
#define PKMAP_BASE (FIXADDR_START - LAST_PKMAP * PAGE_SIZE)
#define VMALLOC_END (PKMAP_BASE - 2 * PAGE_SIZE)

/* Zone boundaries: ISA DMA reaches 16 MiB; a non-PAE CPU addresses 4 GiB of physical memory. */
#define MAX_DMA_PFN ((16UL << 20) >> PAGE_SHIFT)
#define MAX_PHYS_ADDR_NONPAE (1ULL << 32)

/* The smallest lowmem the kernel boots with: image, page tables and mem_map must fit. */
#define MIN_LOWMEM (16UL << 20)

extern void *high_memory;
extern unsigned long vmalloc_start;   /* high_memory + VMALLOC_OFFSET */
extern unsigned long max_low_pfn;     /* first pfn above the direct map */
extern unsigned long max_pfn;         /* first pfn above the highest usable RAM (below 4 GiB) */

#define VMALLOC_START vmalloc_start

/* Direct-map conversions without checks, for allocator internals that validated already. */
#define __pa_nodebug(x) ((unsigned long)(x) - PAGE_OFFSET)
#define __va(x) ((void *)((unsigned long)(x) + PAGE_OFFSET))

/*
 * __pa/virt_to_phys are only meaningful for the direct map. __phys_addr checks that in debug mode
 * and prints a BUG line naming the caller otherwise (vmalloc/ioremap/pkmap addresses).
 */
unsigned long __phys_addr(unsigned long x);
#define __pa(x) __phys_addr((unsigned long)(x))

static inline unsigned long virt_to_phys(const volatile void *p)
{
    return __pa(p);
}

static inline void *phys_to_virt(unsigned long phys)
{
    return __va(phys);
}

static inline bool virt_addr_valid(const void *p)
{
    unsigned long x = (unsigned long)p;
    return x >= PAGE_OFFSET && x < (unsigned long)high_memory;
}

#endif
