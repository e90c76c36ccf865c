/* vmalloc, vmap and the vm area list: virtually contiguous mappings of scattered pages. */
#include "mm/vmalloc.h"
#include "lib/printk.h"
#include "mm/debug.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

struct vm_struct *vmlist;

/* First fit by address; every area carries its guard page at its end, so areas never touch. */
struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned int flags, unsigned long caller)
{
    if (size == 0)
        return NULL;
    unsigned long avail = VMALLOC_END - VMALLOC_START;
    if (size > avail - PAGE_SIZE) {
        mm_warn(caller, "vmap allocation for size %lu failed: the vmalloc area holds %lu bytes with its guard page",
                size, avail);
        return NULL;
    }
    size = PAGE_ALIGN(size) + PAGE_SIZE;

    struct vm_struct **p = &vmlist;
    unsigned long addr = VMALLOC_START;
    for (struct vm_struct *tmp; (tmp = *p) != NULL; p = &tmp->next) {
        if (addr + size <= tmp->addr)
            break;
        addr = tmp->addr + tmp->size;
    }
    if (addr + size > VMALLOC_END) {
        mm_warn(caller, "vmap allocation for size %lu failed: use vmalloc=<size> to increase size",
                size - PAGE_SIZE);
        return NULL;
    }
    struct vm_struct *area = kmalloc(sizeof(*area), GFP_KERNEL);
    if (!area)
        return NULL;
    area->addr = addr;
    area->size = size;
    area->flags = flags;
    area->pages = NULL;
    area->nr_pages = 0;
    area->phys_addr = 0;
    area->caller = caller;
    area->next = *p;
    *p = area;
    return area;
}

__attribute__((noinline)) struct vm_struct *get_vm_area(unsigned long size, unsigned int flags)
{
    return __get_vm_area_caller(size, flags, _RET_IP_);
}

struct vm_struct *find_vm_area(const void *addr)
{
    for (struct vm_struct *tmp = vmlist; tmp; tmp = tmp->next)
        if (tmp->addr == (unsigned long)addr)
            return tmp;
    return NULL;
}

struct vm_struct *take_vm_area(const void *addr, unsigned int flags)
{
    for (struct vm_struct **p = &vmlist; *p; p = &(*p)->next) {
        struct vm_struct *tmp = *p;
        if (tmp->addr == (unsigned long)addr) {
            if (!(tmp->flags & flags))
                return NULL;
            *p = tmp->next;
            tmp->next = NULL;
            return tmp;
        }
    }
    return NULL;
}

static void unmap_area(const struct vm_struct *area, unsigned long caller)
{
    unsigned long start = area->addr, end = area->addr + get_vm_area_size(area);
    bool mapped = false;
    for (unsigned long a = start; a < end; a += PAGE_SIZE) {
        pte_t *pte = lookup_pte(a);
        if (pte && (*pte & _PAGE_PRESENT)) {
            clear_kernel_pte(a, caller);
            mapped = true;
        }
    }
    if (mapped)
        flush_tlb_kernel_range(start, end);
    free_empty_pgtables(start, end, caller);
}

void unmap_and_free_area(struct vm_struct *area, unsigned long caller)
{
    unmap_area(area, caller);
    kfree(area);
}

__attribute__((noinline)) struct vm_struct *remove_vm_area(const void *addr)
{
    struct vm_struct *area = take_vm_area(addr, VM_ALLOC | VM_MAP | VM_IOREMAP);
    if (area)
        unmap_area(area, _RET_IP_);
    return area;
}

__attribute__((noinline)) void free_vm_area(struct vm_struct *area)
{
    if (area && remove_vm_area((void *)area->addr) == area)
        kfree(area);
    else if (area)
        mm_bug(_RET_IP_, "free_vm_area: 0x%08lx is not a live vm area", area->addr);
}

static void unmap_partial(unsigned long addr, unsigned long nr, unsigned long caller)
{
    for (unsigned long i = 0; i < nr; i++)
        clear_kernel_pte(addr + i * PAGE_SIZE, caller);
    flush_tlb_kernel_range(addr, addr + nr * PAGE_SIZE);
    free_empty_pgtables(addr, addr + nr * PAGE_SIZE, caller);
}

bool map_kernel_range_phys(unsigned long addr, unsigned long phys, unsigned long nr, u32 prot,
                           unsigned long caller)
{
    for (unsigned long i = 0; i < nr; i++)
        if (!set_kernel_pte(addr + i * PAGE_SIZE, phys + i * PAGE_SIZE, prot, caller)) {
            unmap_partial(addr, i, caller);
            return false;
        }
    return true;
}

static bool map_pages(unsigned long addr, struct page **pages, unsigned long nr, u32 prot, unsigned long caller)
{
    for (unsigned long i = 0; i < nr; i++)
        if (!set_kernel_pte(addr + i * PAGE_SIZE, page_to_phys(pages[i]), prot, caller)) {
            unmap_partial(addr, i, caller);
            return false;
        }
    return true;
}

static void free_page_array(struct page **pages, unsigned int nr, unsigned long caller)
{
    for (unsigned int i = 0; i < nr; i++)
        __free_pages_caller(pages[i], 0, caller);
    kfree(pages);
}

/* The common body of vmalloc/vzalloc/vmalloc_32: reserve the area, then page by page. */
static __noinline void *__vmalloc_node(unsigned long size, gfp_t gfp, unsigned long caller)
{
    struct vm_struct *area = __get_vm_area_caller(size, VM_ALLOC, caller);
    if (!area)
        return NULL;
    unsigned int nr = (unsigned int)(get_vm_area_size(area) >> PAGE_SHIFT);
    struct page **pages = kmalloc(nr * sizeof(*pages), GFP_KERNEL | __GFP_NOWARN);
    unsigned int got = 0;
    while (pages && got < nr) {
        pages[got] = alloc_pages((gfp & ~__GFP_ZERO) | __GFP_NOWARN, 0);
        if (!pages[got])
            break;
        got++;
    }
    if (pages && got == nr && map_pages(area->addr, pages, nr, PAGE_KERNEL, caller)) {
        area->pages = pages;
        area->nr_pages = nr;
        if (gfp & __GFP_ZERO)
            for (unsigned int i = 0; i < nr; i++)
                clear_page((void *)(area->addr + i * PAGE_SIZE));
        return (void *)area->addr;
    }

    mm_warn(caller, "vmalloc: allocation failure: %lu bytes (%u of %u pages)", size, got, nr);
    if (pages)
        free_page_array(pages, got, caller);
    take_vm_area((void *)area->addr, VM_ALLOC);
    kfree(area);
    return NULL;
}

__tracked void *vmalloc(unsigned long size)
{
    void *p = __vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM, _RET_IP_);
    keep_frame(p);
    return p;
}

__attribute__((noinline)) void *vzalloc(unsigned long size)
{
    void *p = __vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, _RET_IP_);
    keep_frame(p);
    return p;
}

__tracked void *vmalloc_32(unsigned long size)
{
    void *p = __vmalloc_node(size, GFP_KERNEL, _RET_IP_);
    keep_frame(p);
    return p;
}

static const char *area_kind(const struct vm_struct *area)
{
    if (area->flags & VM_IOREMAP)
        return "an ioremap";
    if (area->flags & VM_MAP)
        return "a vmap";
    return "a vmalloc";
}

static __noinline void do_vfree(const void *addr, unsigned long caller)
{
    if (!addr)
        return;
    struct vm_struct *area = take_vm_area(addr, VM_ALLOC);
    if (!area) {
        const struct vm_struct *other = find_vm_area(addr);
        if (other)
            mm_bug(caller, "vfree: 0x%08lx is %s area, not a vmalloc one", (unsigned long)addr, area_kind(other));
        else
            mm_bug(caller, "vfree: 0x%08lx was not returned by vmalloc (bad address or double free)",
                   (unsigned long)addr);
        return;
    }
    struct page **pages = area->pages;
    unsigned int nr = area->nr_pages;
    unmap_and_free_area(area, caller);
    free_page_array(pages, nr, caller);
}

__tracked void vfree(const void *addr)
{
    do_vfree(addr, _RET_IP_);
    keep_frame_void();
}

static __noinline void *do_vmap(struct page **pages, unsigned int count, u32 prot, unsigned long caller)
{
    if (count == 0)
        return NULL;
    struct vm_struct *area = __get_vm_area_caller((unsigned long)count << PAGE_SHIFT, VM_MAP, caller);
    if (!area)
        return NULL;
    if (!map_pages(area->addr, pages, count, prot, caller)) {
        mm_warn(caller, "vmap: no memory for page tables (%u pages)", count);
        take_vm_area((void *)area->addr, VM_MAP);
        kfree(area);
        return NULL;
    }
    area->nr_pages = count;
    return (void *)area->addr;
}

__tracked void *vmap(struct page **pages, unsigned int count, unsigned long flags, u32 prot)
{
    (void)flags;
    void *p = do_vmap(pages, count, prot, _RET_IP_);
    keep_frame(p);
    return p;
}

static __noinline void do_vunmap(const void *addr, unsigned long caller)
{
    if (!addr)
        return;
    struct vm_struct *area = take_vm_area(addr, VM_MAP);
    if (!area) {
        const struct vm_struct *other = find_vm_area(addr);
        if (other)
            mm_bug(caller, "vunmap: 0x%08lx is %s area, not a vmap one", (unsigned long)addr, area_kind(other));
        else
            mm_bug(caller, "vunmap: 0x%08lx is not a vmap area", (unsigned long)addr);
        return;
    }
    unmap_and_free_area(area, caller);
}

__tracked void vunmap(const void *addr)
{
    do_vunmap(addr, _RET_IP_);
    keep_frame_void();
}

unsigned long vmalloc_to_pfn(const void *addr)
{
    pte_t *pte = lookup_pte((unsigned long)addr);
    if (!pte || !(*pte & _PAGE_PRESENT))
        return (unsigned long)-1;
    return *pte >> PAGE_SHIFT;
}

struct page *vmalloc_to_page(const void *addr)
{
    unsigned long pfn = vmalloc_to_pfn(addr);
    return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}
