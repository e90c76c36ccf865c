/* mm_init: lowmem sizing from the memory map and vmalloc=, boot reservations, allocator bring-up. */
#include "mm/mm.h"
#include "arch/exit.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/memblock.h"

#define FOUR_GIB (1ULL << 32)
/* Below 1 MiB lie the IVT, BIOS data, EBDA and ROMs; modern Linux keeps all of it reserved too. */
#define LOW_RESERVE (1UL << 20)

void *high_memory;
unsigned long vmalloc_start;
unsigned long max_low_pfn;
unsigned long max_pfn;
u64 ram_bytes, lowmem_bytes, highmem_bytes;

__attribute__((noinline)) unsigned long __phys_addr(unsigned long x)
{
    if (mm_debug && (x < PAGE_OFFSET || x > (unsigned long)high_memory))
        mm_bug(_RET_IP_, "virt_to_phys: 0x%08lx is not a direct-map address%s", x,
               (x >= VMALLOC_START && x < VMALLOC_END) ? " (vmalloc/ioremap area)" : "");
    return x - PAGE_OFFSET;
}

static bool word_is(const char *v, const char *w)
{
    return strcmp(v, w) == 0;
}

/* Bytes above the lowmem limit: the vmalloc area, the 8 MiB hole and the pkmap/fixmap top. */
static u64 vmalloc_reserve(void)
{
    const char *v = cmdline_get("vmalloc");
    if (!v)
        return VMALLOC_RESERVE_DEFAULT;
    const char *end;
    u64 size = memparse(v, &end);
    u64 top = FOUR_GIB - VMALLOC_END;
    u64 reserve = ((size + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1)) + VMALLOC_OFFSET + top;
    if (end == v || *end != '\0' || size == 0 || size >= FOUR_GIB ||
        reserve > FOUR_GIB - PAGE_OFFSET - MIN_LOWMEM) {
        printk("mm: bad vmalloc=%s: need a size from 1 to %llu bytes\n", v,
               FOUR_GIB - PAGE_OFFSET - MIN_LOWMEM - VMALLOC_OFFSET - top);
        guest_exit(GUEST_EXIT_BAD_CMDLINE);
    }
    return reserve;
}

static void parse_debug(void)
{
    const char *d = cmdline_get("slub_debug");
    if (d)
        mm_debug = !(word_is(d, "-") || word_is(d, "0") || word_is(d, "off"));
}

static void read_memory_map(const struct multiboot_info *mbi)
{
    if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
        const u8 *p = __va(mbi->mmap_addr);
        const u8 *end = p + mbi->mmap_length;
        while (p < end) {
            const struct multiboot_mmap_entry *e = (const struct multiboot_mmap_entry *)p;
            if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
                memblock_add(e->addr, e->len);
            p += e->size + sizeof(e->size);
        }
    } else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        memblock_add(0, (u64)mbi->mem_lower << 10);
        memblock_add(1ULL << 20, (u64)mbi->mem_upper << 10);
    } else {
        panic("mm: the loader gave no memory information");
    }
    if (memblock_memory.cnt == 0)
        panic("mm: the memory map has no usable RAM");
}

static void reserve_boot_memory(const struct multiboot_info *mbi)
{
    memblock_reserve(0, LOW_RESERVE);
    memblock_reserve(__pa_nodebug(_kernel_start), (u64)(_kernel_end - _kernel_start));
    /* kmain hands us its copy of the boot data; reserving it keeps that true if the copy moves. */
    memblock_reserve(__pa_nodebug(mbi), sizeof(*mbi));
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
        memblock_reserve(mbi->cmdline, strlen(__va(mbi->cmdline)) + 1);
    if (mbi->flags & MULTIBOOT_INFO_MEM_MAP)
        memblock_reserve(mbi->mmap_addr, mbi->mmap_length);
}

void mm_init(const struct multiboot_info *mbi)
{
    parse_debug();
    u64 reserve = vmalloc_reserve();
    read_memory_map(mbi);

    const struct memblock_region *last = &memblock_memory.regions[memblock_memory.cnt - 1];
    max_pfn = last->end_pfn;
    unsigned long maxmem_pfn = (unsigned long)((FOUR_GIB - PAGE_OFFSET - reserve) >> PAGE_SHIFT);
    max_low_pfn = max_pfn < maxmem_pfn ? max_pfn : maxmem_pfn;
    if (max_low_pfn < (MIN_LOWMEM >> PAGE_SHIFT))
        mm_fatal(GUEST_EXIT_OOM, _RET_IP_, "mm: %lu KiB of lowmem, at least %lu KiB needed",
                 max_low_pfn << (PAGE_SHIFT - 10), MIN_LOWMEM >> 10);
    high_memory = __va(max_low_pfn << PAGE_SHIFT);
    vmalloc_start = (unsigned long)high_memory + VMALLOC_OFFSET;

    ram_bytes = (u64)memblock_memory_pages(0, max_pfn) << PAGE_SHIFT;
    lowmem_bytes = (u64)memblock_memory_pages(0, max_low_pfn) << PAGE_SHIFT;
    highmem_bytes = ram_bytes - lowmem_bytes;

    reserve_boot_memory(mbi);
    paging_init();
    page_alloc_init();
    kmem_cache_init();

    printk("mm: ram=%llu lowmem=%llu highmem=%llu high_memory=0x%08lx vmalloc=0x%08lx-0x%08lx\n", ram_bytes,
           lowmem_bytes, highmem_bytes, (unsigned long)high_memory, VMALLOC_START, VMALLOC_END);
}
