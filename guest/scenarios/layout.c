/* layout: the kernel address-space layout and one sample address from each allocator. */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "mm/mm.h"

#define IO_SAMPLE 0xFEBF0010UL

static void region(const char *name, unsigned long start, unsigned long end)
{
    printk("layout: %-12s 0x%08lx-0x%08lx %6lu KiB\n", name, start, end, (end - start) >> 10);
}

static void sample(const char *what, const void *va)
{
    unsigned long phys = 0;
    u32 flags = 0;
    if (kernel_translate((unsigned long)va, &phys, &flags))
        printk("layout: %-30s = 0x%08lx -> phys 0x%08lx\n", what, (unsigned long)va, phys);
    else
        printk("layout: %-30s = 0x%08lx (unmapped)\n", what, (unsigned long)va);
}

int scenario_layout(void)
{
    region("direct map", PAGE_OFFSET, (unsigned long)high_memory);
    region("hole", (unsigned long)high_memory, VMALLOC_START);
    region("vmalloc", VMALLOC_START, VMALLOC_END);
    region("pkmap", PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE);
    region("fixmap", FIXADDR_START, FIXADDR_TOP);

    void *k64 = kmalloc(64, GFP_KERNEL);
    void *k8k = kmalloc(8192, GFP_KERNEL);
    void *kdma = kmalloc(512, GFP_DMA);
    unsigned long gfp0 = __get_free_pages(GFP_KERNEL, 0);
    unsigned long gfp4 = __get_free_pages(GFP_KERNEL, 4);
    unsigned long gdma = __get_free_pages(GFP_DMA, 0);
    void *v16k = vmalloc(16 * 1024);
    void *v1m = vmalloc(1024 * 1024);
    void *v32 = vmalloc_32(8192);
    void *io = ioremap(IO_SAMPLE, 256);
    struct page *hp = alloc_pages(GFP_HIGHMEM, 0);
    void *km = hp ? kmap(hp) : NULL;

    sample("kmalloc(64)", k64);
    sample("kmalloc(8192)", k8k);
    sample("kmalloc(512, GFP_DMA)", kdma);
    sample("__get_free_pages(GFP_KERNEL, 0)", (void *)gfp0);
    sample("__get_free_pages(GFP_KERNEL, 4)", (void *)gfp4);
    sample("__get_free_pages(GFP_DMA, 0)", (void *)gdma);
    sample("vmalloc(16 KiB)", v16k);
    sample("vmalloc(1 MiB)", v1m);
    sample("vmalloc_32(8 KiB)", v32);
    sample("ioremap(0xfebf0010, 256)", io);
    if (hp && PageHighMem(hp))
        sample("kmap(highmem page)", km);
    else
        printk("layout: kmap(highmem page): no highmem on this board\n");

    bool direct = virt_addr_valid(k64) && virt_addr_valid(k8k) && virt_addr_valid(kdma) &&
                  virt_addr_valid((void *)gfp0) && virt_addr_valid((void *)gfp4) && virt_addr_valid((void *)gdma);
    unsigned long above = (unsigned long)v16k - (unsigned long)high_memory;
    bool just_above = v16k && is_vmalloc_addr(v16k) && is_vmalloc_addr(v1m) && is_vmalloc_addr(io) &&
                      above == VMALLOC_OFFSET;
    printk("layout: kmalloc and __get_free_pages lie in the direct map: %s\n", direct ? "yes" : "no");
    printk("layout: first vmalloc address is high_memory + 0x%lx (VMALLOC_OFFSET): %s\n", above,
           just_above ? "yes" : "no");

    if (hp) {
        kunmap(hp);
        __free_pages(hp, 0);
    }
    iounmap(io);
    vfree(v32);
    vfree(v1m);
    vfree(v16k);
    free_pages(gdma, 0);
    free_pages(gfp4, 4);
    free_pages(gfp0, 0);
    kfree(kdma);
    kfree(k8k);
    kfree(k64);
    return direct && just_above ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
