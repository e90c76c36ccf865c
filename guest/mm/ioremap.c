/* ioremap: uncached mappings of device (non-RAM) physical ranges in the vmalloc area. */
#include "mm/io.h"
#include "mm/debug.h"
#include "mm/memblock.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

/* RAM belongs to the page allocator: an uncached alias of it would fight the cached direct map. */
static bool range_has_ram(unsigned long first_pfn, unsigned long last_pfn)
{
    return memblock_memory_pages(first_pfn, last_pfn + 1) != 0;
}

static __noinline void *do_ioremap(unsigned long phys_addr, unsigned long size, unsigned long caller)
{
    unsigned long last = phys_addr + size - 1;
    if (size == 0 || last < phys_addr) {
        mm_warn(caller, "ioremap: bad range 0x%08lx+0x%lx", phys_addr, size);
        return NULL;
    }
    if (range_has_ram(phys_addr >> PAGE_SHIFT, last >> PAGE_SHIFT)) {
        mm_warn(caller, "ioremap on RAM at 0x%08lx - 0x%08lx", phys_addr, last);
        return NULL;
    }
    unsigned long offset = phys_addr & ~PAGE_MASK;
    unsigned long base = phys_addr & PAGE_MASK;
    unsigned long nr = (last >> PAGE_SHIFT) - (base >> PAGE_SHIFT) + 1;
    struct vm_struct *area = __get_vm_area_caller(nr << PAGE_SHIFT, VM_IOREMAP, caller);
    if (!area)
        return NULL;
    area->phys_addr = base;
    if (!map_kernel_range_phys(area->addr, base, nr, PAGE_KERNEL_NOCACHE, caller)) {
        mm_warn(caller, "ioremap: no memory for page tables at 0x%08lx", phys_addr);
        take_vm_area((void *)area->addr, VM_IOREMAP);
        kfree(area);
        return NULL;
    }
    area->nr_pages = (unsigned int)nr;
    return (void *)(area->addr + offset);
}

__tracked void *ioremap(unsigned long phys_addr, unsigned long size)
{
    void *p = do_ioremap(phys_addr, size, _RET_IP_);
    keep_frame(p);
    return p;
}

static __noinline void do_iounmap(volatile void *addr, unsigned long caller)
{
    /* As Linux: NULL and direct-map addresses (a legacy ISA window, say) are nothing to undo. */
    if ((unsigned long)addr <= (unsigned long)high_memory)
        return;
    void *base = (void *)((unsigned long)addr & PAGE_MASK);
    struct vm_struct *area = take_vm_area(base, VM_IOREMAP);
    if (!area)
        mm_warn(caller, "iounmap: bad address 0x%08lx", (unsigned long)addr);
    else
        unmap_and_free_area(area, caller);
}

__tracked void iounmap(volatile void *addr)
{
    do_iounmap(addr, _RET_IP_);
    keep_frame_void();
}
