/*
 * The vmalloc area [VMALLOC_START, VMALLOC_END): an address-ordered list of vm areas, each
 * followed by one unmapped guard page, holding vmalloc (pages one at a time from the buddy
 * allocator, highmem allowed), vmap (caller's pages) and ioremap (device memory) mappings.
 *
 * vmalloc_32 takes only pages a 32-bit pointer can address. On this non-PAE board every physical
 * page is below 4 GiB, so the rule is met by any page; like Linux on 32-bit (GFP_VMALLOC32 ==
 * GFP_KERNEL) it also keeps to lowmem, so every page also has a direct-map address.
 */
#ifndef GUEST_MM_VMALLOC_H
#define GUEST_MM_VMALLOC_H

#include "mm/gfp.h"
#include "mm/layout.h"

struct page;

#define VM_IOREMAP 0x1u
#define VM_ALLOC 0x2u
#define VM_MAP 0x4u

struct vm_struct {
    struct vm_struct *next;    /* next area by address */
    unsigned long addr;
    unsigned long size;        /* mapped pages plus the guard page */
    unsigned int flags;
    struct page **pages;       /* VM_ALLOC: the pages, owned by the area */
    unsigned int nr_pages;
    unsigned long phys_addr;   /* VM_IOREMAP: first physical page */
    unsigned long caller;
};

extern struct vm_struct *vmlist;

static inline unsigned long get_vm_area_size(const struct vm_struct *area)
{
    return area->size - PAGE_SIZE;
}

static inline bool is_vmalloc_addr(const void *x)
{
    unsigned long a = (unsigned long)x;
    return a >= VMALLOC_START && a < VMALLOC_END;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned int flags);
/* The area starting at addr (page aligned), or NULL. */
struct vm_struct *find_vm_area(const void *addr);
/* Unlinks the area starting at addr, unmapping whatever is mapped in it; returns it or NULL. */
struct vm_struct *remove_vm_area(const void *addr);
void free_vm_area(struct vm_struct *area);

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *vmalloc_32(unsigned long size);
void vfree(const void *addr);
void *vmap(struct page **pages, unsigned int count, unsigned long flags, u32 prot);
void vunmap(const void *addr);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);

/* Internals shared with ioremap. */
struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned int flags, unsigned long caller);
/* Maps [addr, addr + nr pages) to consecutive physical pages; false (nothing left mapped) on failure. */
bool map_kernel_range_phys(unsigned long addr, unsigned long phys, unsigned long nr, u32 prot,
                           unsigned long caller);
/* Clears an unlinked area's PTEs, flushes the TLB, frees emptied page tables and the area. */
void unmap_and_free_area(struct vm_struct *area, unsigned long caller);
/* Unlinks (without unmapping) the area starting at addr if it has one of the flags, else NULL. */
struct vm_struct *take_vm_area(const void *addr, unsigned int flags);

#endif
