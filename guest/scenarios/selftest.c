/*
 * selftest: TAP self-test of the memory manager (layout, buddy, slab, vmalloc, vmap, ioremap,
 * kmap), misuse detection, a seeded randomized stress with an overlap checker (`seed=N`), and the
 * final invariant that freeing everything brings the buddy lists back to their boot state.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "arch/traps.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/mm.h"

/* Assertions below, fixed whatever the board: tests that cannot run on it are reported as SKIP. */
#define PLAN 100

#define MIB (1024UL * 1024)
/* A page in the PCI hole that is not RAM on QEMU's pc board nor on ours; it is mapped, never read. */
#define IO_PHYS 0xFEBF0000UL

static int t_num, t_pass, t_fail;
static unsigned int expected_bugs, expected_warns;

static void report(bool cond, const char *skip_reason, const char *fmt, va_list ap)
{
    t_num++;
    if (cond)
        t_pass++;
    else
        t_fail++;
    printk("%s %d - ", cond ? "ok" : "not ok", t_num);
    vprintk(fmt, ap);
    if (skip_reason)
        printk(" # SKIP %s", skip_reason);
    printk("\n");
}

static void __attribute__((format(printf, 2, 3))) ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(cond, NULL, fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) skip(const char *reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(true, reason, fmt, ap);
    va_end(ap);
}

/* Misuse tests: the number of BUG/WARN lines an action printed, all of which the final test expects. */
struct reports {
    unsigned int bugs, warns;
};

static struct reports mark(void)
{
    return (struct reports){ mm_bug_count, mm_warn_count };
}

static bool reported(struct reports m, unsigned int bugs, unsigned int warns)
{
    expected_bugs += bugs;
    expected_warns += warns;
    return mm_bug_count - m.bugs == bugs && mm_warn_count - m.warns == warns;
}

static bool faults(const void *p)
{
    u8 v;
    return probe_read8(p, &v) != 0;
}

static bool have_highmem(void)
{
    return zones[ZONE_HIGHMEM].present_pages != 0;
}

static unsigned long phys_of(const void *p)
{
    unsigned long phys = 0;
    u32 flags;
    return kernel_translate((unsigned long)p, &phys, &flags) ? phys : (unsigned long)-1;
}

/* Lowmem drained block by block (largest first), the blocks chained through their first words. */
struct drained {
    unsigned long next;
    unsigned int order;
};

static unsigned long drain_lowmem(void)
{
    unsigned long head = 0;
    for (int order = MAX_ORDER - 1; order >= 0; order--) {
        unsigned long a;
        while ((a = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order)) != 0) {
            struct drained *d = (struct drained *)a;
            d->next = head;
            d->order = (unsigned int)order;
            head = a;
        }
    }
    return head;
}

static void undrain(unsigned long head)
{
    while (head) {
        struct drained *d = (struct drained *)head;
        unsigned long next = d->next;
        free_pages(head, d->order);
        head = next;
    }
}

/* Frees n single pages from the drained chain, splitting blocks; the rest stays chained. */
static unsigned long give_back_pages(unsigned long head, unsigned int n)
{
    while (n > 0 && head) {
        struct drained *d = (struct drained *)head;
        unsigned long next = d->next;
        unsigned int order = d->order;
        split_page(virt_to_page(d), order);
        for (unsigned long i = 0; i < (1UL << order); i++) {
            unsigned long a = head + i * PAGE_SIZE;
            if (n > 0) {
                free_pages(a, 0);
                n--;
            } else {
                ((struct drained *)a)->next = next;
                ((struct drained *)a)->order = 0;
                next = a;
            }
        }
        head = next;
    }
    return head;
}

static void test_layout(void)
{
    ok(PAGE_OFFSET == 0xC0000000UL, "PAGE_OFFSET is 0xc0000000");
    ok((unsigned long)high_memory == PAGE_OFFSET + (max_low_pfn << PAGE_SHIFT) && max_low_pfn <= max_pfn,
       "high_memory is the end of lowmem in the direct map");
    bool default_split = cmdline_get("vmalloc") == NULL;
    unsigned long limit = 896 * MIB >> PAGE_SHIFT;
    ok(!default_split || max_low_pfn == (max_pfn < limit ? max_pfn : limit),
       "lowmem is min(RAM, 896 MiB) without vmalloc=");
    ok(VMALLOC_START == (unsigned long)high_memory + VMALLOC_OFFSET,
       "VMALLOC_START is high_memory + 8 MiB");
    ok(VMALLOC_START < VMALLOC_END && VMALLOC_END + 2 * PAGE_SIZE == PKMAP_BASE &&
           PKMAP_BASE + LAST_PKMAP * PAGE_SIZE == FIXADDR_START && FIXADDR_START < FIXADDR_TOP,
       "VMALLOC_END lies below the pkmap and fixmap areas");
    unsigned long dma_end = max_low_pfn < MAX_DMA_PFN ? max_low_pfn : MAX_DMA_PFN;
    ok(zones[ZONE_DMA].start_pfn == 0 && zones[ZONE_DMA].end_pfn == dma_end &&
           zones[ZONE_NORMAL].start_pfn == dma_end && zones[ZONE_NORMAL].end_pfn == max_low_pfn &&
           zones[ZONE_HIGHMEM].start_pfn == max_low_pfn && zones[ZONE_HIGHMEM].end_pfn == max_pfn,
       "zones: DMA below 16 MiB, NORMAL to the end of lowmem, HIGHMEM above");
    ok(lowmem_bytes + highmem_bytes == ram_bytes &&
           lowmem_bytes == (u64)(zones[ZONE_DMA].present_pages + zones[ZONE_NORMAL].present_pages) << PAGE_SHIFT,
       "ram = lowmem + highmem, and lowmem = DMA + NORMAL present pages");
    ok(__pa(_kernel_start) == KERNEL_PHYS_BASE && __va(KERNEL_PHYS_BASE) == (void *)_kernel_start,
       "__pa/__va convert the kernel image address");
    unsigned long phys;
    u32 flags;
    bool mapped = kernel_translate((unsigned long)_kernel_start, &phys, &flags);
    ok(mapped && phys == KERNEL_PHYS_BASE && ((flags & _PAGE_PSE) != 0) == mm_pse &&
           ((flags & _PAGE_GLOBAL) != 0) == mm_pge,
       "direct map uses %s pages%s", mm_pse ? "4 MiB PSE" : "4 KiB", mm_pge ? ", global" : "");
    ok(faults((void *)KERNEL_PHYS_BASE) && !faults((char *)high_memory - 1) && faults(high_memory),
       "boot identity map gone; direct map ends exactly at high_memory");
}

static void test_buddy(void)
{
    struct buddy_snapshot s0, s1;
    kmem_cache_shrink_all();
    buddy_snapshot(&s0);
    unsigned long free0 = nr_free_pages();

    struct page *p = alloc_pages(GFP_KERNEL, 0);
    ok(p && page_zonenum(p) == ZONE_NORMAL && nr_free_pages() == free0 - 1,
       "alloc_pages(GFP_KERNEL, 0) takes one ZONE_NORMAL page");
    ok(p && page_address(p) == __va(page_to_phys(p)) && virt_to_page(page_address(p)) == p,
       "page_address, page_to_phys and virt_to_page agree");
    __free_pages(p, 0);
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1), "__free_pages coalesces back to the previous free lists");

    unsigned long a = __get_free_pages(GFP_KERNEL, 3);
    ok(a && (__pa(a) & ((8 * PAGE_SIZE) - 1)) == 0 && nr_free_pages() == free0 - 8,
       "__get_free_pages(order 3) is naturally aligned and takes 8 pages");
    if (a)
        memset((void *)a, 0x5a, 8 * PAGE_SIZE);
    free_pages(a, 3);
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1), "free_pages(order 3) coalesces");

    static unsigned long pages[1024];
    bool good = true;
    for (int i = 0; i < 1024; i++) {
        pages[i] = __get_free_pages(GFP_KERNEL, 0);
        good = good && pages[i] && virt_addr_valid((void *)pages[i]);
        if (pages[i])
            *(u32 *)pages[i] = (u32)i;
    }
    for (int i = 0; i < 1024 && good; i++)
        good = *(u32 *)pages[i] == (u32)i;
    for (int i = 1023; i >= 0; i--)
        free_pages(pages[i], 0);
    buddy_snapshot(&s1);
    ok(good && buddy_snapshot_equal(&s0, &s1), "1024 order-0 pages split off and coalesce back");

    a = __get_free_pages(GFP_KERNEL, 0);
    memset((void *)a, 0xff, PAGE_SIZE);
    free_pages(a, 0);
    unsigned long z = get_zeroed_page(GFP_KERNEL);
    good = z != 0;
    for (unsigned long i = 0; z && i < PAGE_SIZE; i++)
        good = good && ((u8 *)z)[i] == 0;
    ok(good && z == a, "get_zeroed_page clears a dirty recycled page");
    free_pages(z, 0);

    a = __get_free_pages(GFP_DMA, 0);
    ok(a && __pa(a) < (16 * MIB) && page_zonenum(virt_to_page((void *)a)) == ZONE_DMA,
       "GFP_DMA pages come from below 16 MiB");
    free_pages(a, 0);

    p = alloc_pages(GFP_HIGHMEM, 0);
    if (have_highmem())
        ok(p && PageHighMem(p) && page_address(p) == NULL, "GFP_HIGHMEM takes a highmem page without a mapping");
    else
        ok(p && page_zonenum(p) == ZONE_NORMAL, "GFP_HIGHMEM falls back to ZONE_NORMAL without highmem");
    if (p) {
        memset(kmap(p), 0xff, PAGE_SIZE);
        kunmap(p);
        __free_pages(p, 0);
    }
    p = alloc_pages(GFP_HIGHMEM | __GFP_ZERO, 0);
    good = p != NULL;
    if (p) {
        const u8 *v = kmap(p);
        for (unsigned long i = 0; i < PAGE_SIZE; i++)
            good = good && v[i] == 0;
        kunmap(p);
        __free_pages(p, 0);
    }
    ok(good, "__GFP_ZERO zeroes a (possibly highmem) page");

    struct reports m = mark();
    a = __get_free_pages(GFP_HIGHMEM, 0);
    ok(a && virt_addr_valid((void *)a) && reported(m, 0, 1), "__get_free_pages(GFP_HIGHMEM) warns, returns lowmem");
    free_pages(a, 0);

    m = mark();
    ok(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL && reported(m, 0, 1), "order 11 fails with a WARN");

    a = __get_free_pages(GFP_KERNEL, 0);
    free_pages(a, 0);
    unsigned long before = nr_free_pages();
    m = mark();
    free_pages(a, 0);
    ok(reported(m, 1, 0) && nr_free_pages() == before, "double free_pages is a BUG and changes nothing");

    a = __get_free_pages(GFP_KERNEL, 2);
    m = mark();
    free_pages(a, 1);
    free_pages(a + PAGE_SIZE, 0);
    ok(reported(m, 2, 0), "free_pages with the wrong order or a page inside the block is a BUG");
    free_pages(a, 2);

    m = mark();
    free_pages(a + 1, 0);
    free_pages(VMALLOC_START, 0);
    free_pages((unsigned long)_kernel_start, 0);
    ok(reported(m, 3, 0), "free_pages of unaligned, non-direct-map or reserved addresses is a BUG");

    /* Exhaust order-10 blocks of lowmem: NORMAL first, then the fallback into DMA. */
    unsigned long head = 0, dma_blocks = 0, high_blocks = 0;
    while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER - 1)) != NULL) {
        struct drained *d = page_address(p);
        d->next = head;
        d->order = MAX_ORDER - 1;
        head = (unsigned long)d;
        dma_blocks += page_zonenum(p) == ZONE_DMA;
        high_blocks += PageHighMem(p);
    }
    ok(dma_blocks > 0 && high_blocks == 0, "GFP_KERNEL falls back to ZONE_DMA, never to HIGHMEM");
    m = mark();
    ok(alloc_pages(GFP_KERNEL, MAX_ORDER - 1) == NULL && alloc_pages(GFP_DMA | __GFP_NOWARN, MAX_ORDER - 1) == NULL &&
           reported(m, 0, 1),
       "exhausted order-10 lowmem: allocation fails with one WARN");
    undrain(head);
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1), "after exhaustion, freeing restores the free lists");

    split_page(virt_to_page((void *)(a = __get_free_pages(GFP_KERNEL, 2))), 2);
    for (int i = 0; i < 4; i++)
        free_pages(a + (unsigned long)i * PAGE_SIZE, 0);
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1), "split_page turns an order-2 block into four order-0 pages");

    ok(show_buddyinfo() == (have_highmem() ? 3 : 2), "buddyinfo prints one line per populated zone");
}

static void set_c0ffee(void *obj)
{
    *(u32 *)obj = 0xc0ffee;
}

static bool kmalloc_classes_ok(void)
{
    bool good = true;
    for (int i = 0; i < NR_KMALLOC_CLASSES; i++) {
        unsigned int sz = kmalloc_sizes[i];
        void *p = kmalloc(sz, GFP_KERNEL);
        void *q = kmalloc(sz - 1, GFP_KERNEL);
        void *r = i + 1 < NR_KMALLOC_CLASSES ? kmalloc(sz + 1, GFP_KERNEL) : NULL;
        good = good && p && q && ksize(p) == sz && ksize(q) == sz && ((unsigned long)p & 7) == 0;
        if (i + 1 < NR_KMALLOC_CLASSES)
            good = good && r && ksize(r) == kmalloc_sizes[i + 1];
        kfree(p);
        kfree(q);
        kfree(r);
    }
    return good;
}

static void test_slab(void)
{
    unsigned long free0;
    kmem_cache_shrink_all();
    free0 = nr_free_pages();

    void *p = kmalloc(1, GFP_KERNEL);
    ok(p && ksize(p) == KMALLOC_MIN_SIZE && ((unsigned long)p & (KMALLOC_MIN_ALIGN - 1)) == 0 && virt_addr_valid(p),
       "kmalloc(1) gives an 8-byte aligned 32-byte object in the direct map");
    kfree(p);
    ok(kmalloc_classes_ok(), "kmalloc picks the right class for sizes 32 B .. 128 KiB");

    p = kmalloc(200 * 1024, GFP_KERNEL);
    ok(p && ksize(p) == 256 * 1024 && ((unsigned long)p & ~PAGE_MASK) == 0 && (virt_to_page(p)->flags & PG_large),
       "kmalloc(200 KiB) comes from the page allocator (order 6)");
    kfree(p);

    p = kmalloc(100, GFP_DMA);
    ok(p && __pa(p) + 100 <= 16 * MIB, "kmalloc(GFP_DMA) returns memory below 16 MiB");
    kfree(p);

    p = kmalloc(300, GFP_KERNEL);
    memset(p, 0xee, 300);
    kfree(p);
    u8 *zp = kzalloc(300, GFP_KERNEL);
    bool good = zp != NULL;
    for (int i = 0; zp && i < 300; i++)
        good = good && zp[i] == 0;
    ok(good, "kzalloc returns zeroed memory");
    kfree(zp);

    static void *objs[1000];
    good = true;
    for (int i = 0; i < 1000; i++) {
        objs[i] = kmalloc(64, GFP_KERNEL);
        good = good && objs[i];
        if (objs[i])
            memset(objs[i], (u8)i, 64);
    }
    /* Each object still holds its own fill byte: no two objects share memory. */
    for (int i = 0; i < 1000 && good; i++)
        for (int j = 0; j < 64; j++)
            good = good && ((u8 *)objs[i])[j] == (u8)i;
    for (int i = 0; i < 1000; i++)
        kfree(objs[i]);
    ok(good, "1000 live kmalloc(64) objects never overlap");

    struct reports m = mark();
    ok(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR, "kmalloc(0) returns ZERO_SIZE_PTR");
    kfree(NULL);
    kfree(ZERO_SIZE_PTR);
    ok(reported(m, 0, 0), "kfree(NULL) and kfree(ZERO_SIZE_PTR) do nothing");

    if (mm_debug) {
        u8 *b = kmalloc(64, GFP_KERNEL);
        kfree(b);
        good = true;
        for (int i = 0; i < 63; i++)
            good = good && b[i] == POISON_FREE;
        ok(good && b[63] == POISON_END, "freed objects are poisoned (0x6b..0xa5)");

        b = kmalloc(32, GFP_KERNEL);
        m = mark();
        b[32] = 0;
        kfree(b);
        ok(reported(m, 1, 0), "a write past the object hits the red zone: BUG at kfree");

        b = kmalloc(128, GFP_KERNEL);
        kfree(b);
        m = mark();
        b[5] = 1;
        u8 *c = kmalloc(128, GFP_KERNEL);
        ok(c == b && reported(m, 1, 0), "a write to a freed object is caught at the next allocation");
        kfree(c);
    } else {
        skip("slub_debug off", "freed objects are poisoned");
        skip("slub_debug off", "red zone catches overruns");
        skip("slub_debug off", "use after free caught at allocation");
    }

    p = kmalloc(48, GFP_KERNEL);
    kfree(p);
    m = mark();
    kfree(p);
    ok(reported(m, 1, 0), "double kfree is a BUG");

    p = kmalloc(48, GFP_KERNEL);
    u32 local = 0;
    unsigned long pg = __get_free_pages(GFP_KERNEL, 0);
    void *v = vmalloc(PAGE_SIZE);
    m = mark();
    kfree((char *)p + 8);
    kfree(v);
    kfree(&local);
    kfree((void *)pg);
    ok(reported(m, 4, 0), "kfree of an interior, vmalloc, stack or page pointer is a BUG");
    kfree(p);
    vfree(v);
    free_pages(pg, 0);

    m = mark();
    ok(ksize(&local) == 0 && reported(m, 1, 0), "ksize of a foreign pointer is a BUG");

    m = mark();
    ok(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == NULL && reported(m, 0, 1), "kmalloc above 4 MiB fails with a WARN");
    m = mark();
    p = kmalloc(64, GFP_HIGHMEM);
    ok(p && virt_addr_valid(p) && reported(m, 0, 1), "kmalloc(__GFP_HIGHMEM) warns and returns lowmem");
    kfree(p);

    struct kmem_cache *s = kmem_cache_create("selftest-100", 100, 0, 0, NULL);
    ok(s && s->object_size == 100 && s->size >= 100 && s->size % 8 == 0 && s->objects >= 1,
       "kmem_cache_create lays out 100-byte objects");
    unsigned int n = s ? s->objects * 3 + 1 : 0;
    static void *cobj[512];
    good = s && n <= 512;
    for (unsigned int i = 0; good && i < n; i++) {
        cobj[i] = kmem_cache_alloc(s, GFP_KERNEL);
        good = cobj[i] != NULL;
    }
    ok(good && s->nr_slabs == 4 && s->inuse == n, "the cache grows by whole slabs (4 slabs for 3*objects+1)");
    for (unsigned int i = 0; good && i < n; i++)
        kmem_cache_free(s, cobj[i]);
    ok(good && s->nr_slabs == 1 && s->inuse == 0, "freeing returns empty slabs to the buddy allocator but one");

    struct kmem_cache *t = kmem_cache_create("selftest-ctor", 24, 64, 0, set_c0ffee);
    void *o1 = t ? kmem_cache_alloc(t, GFP_KERNEL) : NULL;
    void *o2 = t ? kmem_cache_alloc(t, GFP_KERNEL) : NULL;
    ok(o1 && o2 && *(u32 *)o1 == 0xc0ffee && ((unsigned long)o1 & 63) == 0 && ((unsigned long)o2 & 63) == 0,
       "constructor runs and 64-byte alignment holds");

    m = mark();
    kmem_cache_free(s, o1);
    ok(reported(m, 1, 0), "kmem_cache_free to the wrong cache is a BUG");

    m = mark();
    kmem_cache_destroy(t);
    ok(reported(m, 0, 1) && t->inuse == 2, "kmem_cache_destroy with live objects warns and keeps the cache");
    kmem_cache_free(t, o1);
    kmem_cache_free(t, o2);
    m = mark();
    kmem_cache_destroy(t);
    kmem_cache_destroy(s);
    kmem_cache_shrink_all();
    ok(reported(m, 0, 0) && nr_free_pages() == free0, "destroying empty caches gives every page back");
}

static bool pages_all(const void *addr, unsigned int nr, bool highmem)
{
    for (unsigned int i = 0; i < nr; i++) {
        struct page *pg = vmalloc_to_page((const char *)addr + i * PAGE_SIZE);
        if (!pg || PageHighMem(pg) != highmem || ((u64)page_to_pfn(pg) << PAGE_SHIFT) >= MAX_PHYS_ADDR_NONPAE)
            return false;
    }
    return true;
}

static bool vmlist_sane(void)
{
    for (struct vm_struct *a = vmlist; a; a = a->next) {
        if (a->addr < VMALLOC_START || a->addr + a->size > VMALLOC_END || (a->addr & ~PAGE_MASK))
            return false;
        if (a->next && a->addr + a->size > a->next->addr)
            return false;
        if (lookup_pte(a->addr + a->size - PAGE_SIZE) && (*lookup_pte(a->addr + a->size - PAGE_SIZE) & _PAGE_PRESENT))
            return false;
    }
    return true;
}

static void test_vmalloc(void)
{
    struct buddy_snapshot s0, s1;
    kmem_cache_shrink_all();
    buddy_snapshot(&s0);

    char *v1 = vmalloc(1);
    ok(v1 && is_vmalloc_addr(v1) && ((unsigned long)v1 & ~PAGE_MASK) == 0 && (unsigned long)v1 == VMALLOC_START,
       "vmalloc(1) returns a page at VMALLOC_START, 8 MiB above high_memory");
    struct reports m = mark();
    ok(vmalloc(0) == NULL && reported(m, 0, 0), "vmalloc(0) returns NULL");

    char *v = vmalloc(64 * 1024);
    bool good = v != NULL;
    for (unsigned int i = 0; good && i < 16; i++) {
        struct page *pg = vmalloc_to_page(v + i * PAGE_SIZE);
        good = pg != NULL;
        if (good) {
            v[i * PAGE_SIZE + 7] = (char)(0x40 + i);
            char *alias = kmap(pg);
            good = alias[7] == (char)(0x40 + i);
            kunmap(pg);
        }
    }
    ok(good, "vmalloc(64 KiB): each page is reachable through vmalloc_to_page and an alias");
    ok(v && !faults(v + 64 * 1024 - 1) && faults(v + 64 * 1024), "the guard page after the area is unmapped");
    char *v2 = vmalloc(PAGE_SIZE);
    ok(v2 && v2 >= v + 64 * 1024 + PAGE_SIZE && vmlist_sane(), "areas are address ordered with guard gaps");
    ok(is_vmalloc_addr(v) && !is_vmalloc_addr(high_memory) && !is_vmalloc_addr((void *)VMALLOC_END),
       "is_vmalloc_addr matches [VMALLOC_START, VMALLOC_END)");

    if (mm_debug) {
        m = mark();
        (void)__pa(v);
        ok(!virt_addr_valid(v) && reported(m, 1, 0), "virt_to_phys on a vmalloc address is a BUG in debug mode");
    } else {
        skip("slub_debug off", "virt_to_phys on a vmalloc address is a BUG");
    }

    char *h = vmalloc(16 * PAGE_SIZE);
    ok(h && pages_all(h, 16, have_highmem()), "vmalloc uses highmem pages when there are any");
    char *l = vmalloc_32(16 * PAGE_SIZE);
    ok(l && pages_all(l, 16, false), "vmalloc_32 uses lowmem pages (32-bit addressable, direct mapped)");
    vfree(h);
    vfree(l);

    char *d = vmalloc(3 * PAGE_SIZE);
    memset(d, 0xff, 3 * PAGE_SIZE);
    vfree(d);
    u8 *zv = vzalloc(3 * PAGE_SIZE);
    good = zv != NULL;
    for (unsigned long i = 0; zv && i < 3 * PAGE_SIZE; i++)
        good = good && zv[i] == 0;
    ok(good, "vzalloc returns zeroed memory");
    vfree(zv);

    m = mark();
    vfree(NULL);
    ok(reported(m, 0, 0), "vfree(NULL) does nothing");

    vfree(v);
    ok(faults(v) && faults(v + 15 * PAGE_SIZE), "vfree unmaps the area and flushes its TLB entries");
    m = mark();
    vfree(v);
    vfree(v2 + PAGE_SIZE / 2);
    void *k = kmalloc(32, GFP_KERNEL);
    vfree(k);
    ok(reported(m, 3, 0), "vfree of a freed, interior or kmalloc address is a BUG");
    kfree(k);
    vfree(v2);
    vfree(v1);

    m = mark();
    ok(vmalloc(VMALLOC_END - VMALLOC_START) == NULL && reported(m, 0, 1),
       "vmalloc larger than the vmalloc area returns NULL with a WARN");

    struct vm_struct *head = NULL;
    unsigned int areas = 0;
    struct vm_struct *a;
    while ((a = get_vm_area(4 * MIB, VM_ALLOC)) != NULL && areas < 1024) {
        a->pages = (struct page **)head;
        head = a;
        areas++;
    }
    m = mark();
    bool full = vmalloc(4 * MIB) == NULL;
    ok(full && areas == (VMALLOC_END - VMALLOC_START) / (4 * MIB + PAGE_SIZE) && reported(m, 0, 1),
       "get_vm_area exhausts the area (%u areas of 4 MiB); then vmalloc fails with a WARN", areas);
    expected_warns++;   /* the get_vm_area call that ended the loop */
    while (head) {
        struct vm_struct *next = (struct vm_struct *)head->pages;
        head->pages = NULL;
        free_vm_area(head);
        head = next;
    }
    ok(vmlist == NULL, "free_vm_area releases every area");

    struct page *pg[4];
    for (int i = 0; i < 4; i++) {
        pg[i] = alloc_pages(GFP_HIGHMEM, 0);
        u32 *w = kmap(pg[i]);
        for (unsigned long j = 0; j < PAGE_SIZE / 4; j++)
            w[j] = 0x1000u * (u32)i + (u32)j;
        kunmap(pg[i]);
    }
    u32 *vm = vmap(pg, 4, VM_MAP, PAGE_KERNEL);
    good = vm != NULL;
    for (unsigned long j = 0; good && j < 4 * PAGE_SIZE / 4; j++)
        good = vm[j] == 0x1000u * (u32)(j / (PAGE_SIZE / 4)) + (u32)(j % (PAGE_SIZE / 4));
    for (int i = 0; good && i < 4; i++)
        good = vmalloc_to_page((char *)vm + i * PAGE_SIZE) == pg[i];
    ok(good, "vmap maps 4 scattered pages contiguously");

    char *va = vmalloc(PAGE_SIZE);
    m = mark();
    vunmap(va);
    vfree(vm);
    ok(reported(m, 2, 0) && find_vm_area(va) && find_vm_area(vm), "vunmap of a vmalloc area and vfree of a vmap area are BUGs");
    vfree(va);
    vunmap(vm);
    ok(faults(vm) && vmalloc_to_page(vm) == NULL, "vunmap unmaps but leaves the pages to their owner");
    for (int i = 0; i < 4; i++)
        __free_pages(pg[i], 0);

    struct pgtable_stats st = pgtable_stats;
    char *t2 = vmalloc(2 * PAGE_SIZE);
    vfree(t2);
    ok(pgtable_stats.invlpg - st.invlpg == 2 && pgtable_stats.full_flushes == st.full_flushes,
       "tearing down 2 pages uses invlpg per page");
    st = pgtable_stats;
    char *t64 = vmalloc(64 * PAGE_SIZE);
    vfree(t64);
    ok(pgtable_stats.invlpg == st.invlpg && pgtable_stats.full_flushes - st.full_flushes == 1,
       "tearing down 64 pages (> %d) flushes the whole TLB once", TLB_FLUSH_CEILING);

    char *big = vmalloc(5 * MIB);
    good = big && pgtable_stats.pgtables >= 2;
    if (big) {
        big[0] = 1;
        big[5 * MIB - 1] = 2;
        good = good && big[0] == 1 && big[5 * MIB - 1] == 2;
    }
    ok(good, "vmalloc(5 MiB) spans several page tables allocated on demand");
    vfree(big);
    ok(pgtable_stats.pgtables == 0, "page tables of the vmalloc area are freed when empty");

    kmem_cache_shrink_all();
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1), "vmalloc tests leave the buddy lists as they found them");

    /* Give back 8 single pages: enough for the bookkeeping, not for 64 pages of vmalloc_32. */
    unsigned long drained = give_back_pages(drain_lowmem(), 8);
    m = mark();
    void *v32 = vmalloc_32(64 * PAGE_SIZE);
    ok(v32 == NULL && mm_warn_count - m.warns >= 1 && mm_bug_count == m.bugs,
       "vmalloc_32 fails cleanly when lowmem runs out midway");
    expected_warns += mm_warn_count - m.warns;
    vfree(v32);
    undrain(drained);
    kmem_cache_shrink_all();
    buddy_snapshot(&s1);
    ok(buddy_snapshot_equal(&s0, &s1) && vmlist == NULL, "the failed vmalloc_32 leaked nothing");
}

static void test_ioremap(void)
{
    char *io = ioremap(IO_PHYS + 0x10, 0x100);
    pte_t *pte = io ? lookup_pte((unsigned long)io) : NULL;
    ok(io && is_vmalloc_addr(io) && ((unsigned long)io & ~PAGE_MASK) == 0x10,
       "ioremap of an unaligned address keeps the offset in the first page");
    ok(pte && (*pte & PAGE_MASK) == IO_PHYS && (*pte & (_PAGE_PCD | _PAGE_PWT)) == (_PAGE_PCD | _PAGE_PWT),
       "ioremap PTEs map the device page uncached (PCD|PWT)");
    char *io2 = ioremap(IO_PHYS + 0xff0, 0x20);
    ok(io2 && phys_of(io2) == IO_PHYS + 0xff0 && phys_of(io2 + 0x10) == IO_PHYS + 0x1000 &&
           find_vm_area((void *)((unsigned long)io2 & PAGE_MASK))->nr_pages == 2,
       "ioremap across a page boundary maps two pages");

    struct reports m = mark();
    ok(ioremap(KERNEL_PHYS_BASE, PAGE_SIZE) == NULL && ioremap(IO_PHYS, 0) == NULL && reported(m, 0, 2),
       "ioremap of RAM or of zero bytes fails with a WARN");
    if (mm_debug) {
        m = mark();
        (void)virt_to_phys(io);
        ok(reported(m, 1, 0), "virt_to_phys on an ioremap address is a BUG in debug mode");
    } else {
        skip("slub_debug off", "virt_to_phys on an ioremap address is a BUG");
    }

    iounmap(io);
    pte = lookup_pte((unsigned long)io);
    ok(!pte || !(*pte & _PAGE_PRESENT), "iounmap removes the mapping");
    char *v = vmalloc(PAGE_SIZE);
    m = mark();
    iounmap(io);
    iounmap(v);
    iounmap(NULL);
    ok(reported(m, 0, 2) && find_vm_area(v), "iounmap of an unmapped or a vmalloc address warns");

    writel(0x12345678, v);
    writew(0xbeef, v + 4);
    writeb(0x5a, v + 6);
    ok(readl(v) == 0x12345678 && readw(v + 2) == 0x1234 && readb(v + 4) == 0xef && readb(v + 6) == 0x5a,
       "readb/readw/readl and writeb/writew/writel");
    vfree(v);
    iounmap(io2);
}

static void test_highmem(void)
{
    if (!have_highmem()) {
        for (int i = 0; i < 4; i++)
            skip("no highmem on this board", "kmap test %d", i + 1);
    } else {
        struct page *p = alloc_pages(GFP_HIGHMEM, 0);
        char *a = kmap(p);
        ok(PageHighMem(p) && (unsigned long)a >= PKMAP_BASE && (unsigned long)a < FIXADDR_START &&
               page_address(p) == a,
           "kmap maps a highmem page into the pkmap area");
        a[100] = 42;
        char *b = kmap(p);
        kunmap(p);
        ok(b == a && !faults(a) && a[100] == 42, "nested kmap shares the slot until the last kunmap");
        kunmap(p);
        ok(faults(a) && page_address(p) == NULL && kmap_slots_in_use() == 0, "the last kunmap unmaps the slot");
        struct reports m = mark();
        kunmap(p);
        ok(reported(m, 1, 0), "unbalanced kunmap is a BUG");
        __free_pages(p, 0);
    }
    struct page *low = alloc_pages(GFP_KERNEL, 0);
    ok(kmap(low) == page_address(low), "kmap of a lowmem page is its direct-map address");
    kunmap(low);
    __free_pages(low, 0);
}

/* ---- randomized stress ---- */

enum stress_kind { K_FREE, K_KMALLOC, K_CACHE, K_PAGES, K_HIGH, K_VMALLOC, K_VMALLOC32, K_VMAP, K_IOREMAP, NR_KINDS };

struct stress_slot {
    enum stress_kind kind;
    unsigned int order;     /* K_PAGES/K_HIGH */
    unsigned int npages;    /* K_VMAP */
    char *ptr;
    unsigned long size;
    struct page *page;
    struct page **pages;    /* K_VMAP */
    u32 tag;
};

#define STRESS_SLOTS 96
#define STRESS_OPS 1500
#define MAX_RANGES 4096

struct range {
    unsigned long start, end;
};

static struct stress_slot slots[STRESS_SLOTS];
static struct range ranges[MAX_RANGES];
static u32 rng_state;
static unsigned int nr_ranges, bad_zone, bad_overlap, bad_data, failed_allocs, overlap_checks;
static struct kmem_cache *stress_cache;

static u32 rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Each page (or the tail piece of an object) carries its tag in its first and last word. */
static void tag_region(char *p, unsigned long size, u32 tag)
{
    for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
        unsigned long end = off + PAGE_SIZE < size ? off + PAGE_SIZE : size;
        if (end - off >= 4)
            *(u32 *)(p + off) = tag;
        if (end - off >= 8)
            *(u32 *)(p + end - 4) = tag ^ 0xffffffffu;
    }
}

static bool check_region(const char *p, unsigned long size, u32 tag)
{
    for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
        unsigned long end = off + PAGE_SIZE < size ? off + PAGE_SIZE : size;
        if (end - off >= 4 && *(const u32 *)(p + off) != tag)
            return false;
        if (end - off >= 8 && *(const u32 *)(p + end - 4) != (tag ^ 0xffffffffu))
            return false;
    }
    return true;
}

static void tag_pages(struct page *pg, unsigned long n, u32 tag, bool check, bool *good)
{
    for (unsigned long i = 0; i < n; i++) {
        char *va = kmap(pg + i);
        if (check)
            *good = *good && check_region(va, PAGE_SIZE, tag + (u32)i);
        else
            tag_region(va, PAGE_SIZE, tag + (u32)i);
        kunmap(pg + i);
    }
}

static void add_range(unsigned long start, unsigned long len)
{
    if (nr_ranges < MAX_RANGES) {
        ranges[nr_ranges].start = start;
        ranges[nr_ranges].end = start + len;
        nr_ranges++;
    }
}

static void add_vmalloc_ranges(const char *p, unsigned long size)
{
    for (unsigned long off = 0; off < size; off += PAGE_SIZE)
        add_range(page_to_phys(vmalloc_to_page(p + off)), PAGE_SIZE);
}

/* Physical ranges of all live RAM allocations, sorted: any overlap is an allocator bug. */
static void check_overlaps(void)
{
    nr_ranges = 0;
    for (int i = 0; i < STRESS_SLOTS; i++) {
        struct stress_slot *s = &slots[i];
        switch (s->kind) {
        case K_KMALLOC:
        case K_CACHE:
            add_range(__pa(s->ptr), s->size);
            break;
        case K_PAGES:
        case K_HIGH:
            add_range(page_to_phys(s->page), PAGE_SIZE << s->order);
            break;
        case K_VMALLOC:
        case K_VMALLOC32:
            add_vmalloc_ranges(s->ptr, PAGE_ALIGN(s->size));
            break;
        case K_VMAP:
            for (unsigned int j = 0; j < s->npages; j++)
                add_range(page_to_phys(s->pages[j]), PAGE_SIZE);
            break;
        default:
            break;
        }
    }
    for (unsigned int gap = nr_ranges / 2; gap > 0; gap /= 2)
        for (unsigned int i = gap; i < nr_ranges; i++)
            for (unsigned int j = i; j >= gap && ranges[j - gap].start > ranges[j].start; j -= gap) {
                struct range t = ranges[j];
                ranges[j] = ranges[j - gap];
                ranges[j - gap] = t;
            }
    for (unsigned int i = 0; i + 1 < nr_ranges; i++)
        if (ranges[i].end > ranges[i + 1].start)
            bad_overlap++;
    if (!vmlist_sane())
        bad_overlap++;
    overlap_checks++;
}

static bool in_vm_area(const void *p)
{
    return is_vmalloc_addr(p) && find_vm_area((void *)((unsigned long)p & PAGE_MASK));
}

static void stress_alloc(struct stress_slot *s, int idx, int step)
{
    u32 r = rnd();
    enum stress_kind kind = (enum stress_kind)(1 + r % (NR_KINDS - 1));
    bool dma = (rnd() % 8) == 0;
    s->tag = ((u32)idx << 16) ^ (u32)step ^ 0x5a000000u;
    s->kind = kind;
    switch (kind) {
    case K_KMALLOC: {
        u32 pick = rnd() % 100;
        s->size = 1 + rnd() % (pick < 70 ? 512 : pick < 95 ? 8192 : 200 * 1024);
        s->ptr = kmalloc(s->size, dma ? GFP_DMA : GFP_KERNEL);
        if (s->ptr) {
            bad_zone += !virt_addr_valid(s->ptr) || (dma && __pa(s->ptr) + s->size > 16 * MIB) ||
                        ksize(s->ptr) < s->size;
            if (s->size >= 8)
                tag_region(s->ptr, s->size, s->tag);
        }
        break;
    }
    case K_CACHE:
        s->size = stress_cache->object_size;
        s->ptr = kmem_cache_alloc(stress_cache, GFP_KERNEL);
        if (s->ptr) {
            bad_zone += !virt_addr_valid(s->ptr);
            tag_region(s->ptr, s->size, s->tag);
        }
        break;
    case K_PAGES:
        s->order = rnd() % 6;
        s->ptr = (char *)__get_free_pages(dma ? GFP_DMA : GFP_KERNEL, s->order);
        if (s->ptr) {
            s->page = virt_to_page(s->ptr);
            bad_zone += (__pa(s->ptr) & ((PAGE_SIZE << s->order) - 1)) != 0 ||
                        (dma ? page_zonenum(s->page) != ZONE_DMA : PageHighMem(s->page));
            tag_pages(s->page, 1UL << s->order, s->tag, false, NULL);
        }
        break;
    case K_HIGH:
        s->order = rnd() % 3;
        s->page = alloc_pages(GFP_HIGHMEM, s->order);
        s->ptr = (char *)s->page;
        if (s->page) {
            bad_zone += have_highmem() && !PageHighMem(s->page) && zones[ZONE_HIGHMEM].free_pages > 64;
            tag_pages(s->page, 1UL << s->order, s->tag, false, NULL);
        }
        break;
    case K_VMALLOC:
    case K_VMALLOC32:
        s->size = 1 + rnd() % (24 * PAGE_SIZE);
        s->ptr = kind == K_VMALLOC ? vmalloc(s->size) : vmalloc_32(s->size);
        if (s->ptr) {
            bad_zone += !in_vm_area(s->ptr) ||
                        (kind == K_VMALLOC32 && !pages_all(s->ptr, (unsigned int)(PAGE_ALIGN(s->size) >> PAGE_SHIFT), false));
            tag_region(s->ptr, PAGE_ALIGN(s->size), s->tag);
        }
        break;
    case K_VMAP:
        s->npages = 1 + rnd() % 4;
        s->pages = kmalloc(s->npages * sizeof(struct page *), GFP_KERNEL);
        for (unsigned int j = 0; s->pages && j < s->npages; j++)
            s->pages[j] = alloc_pages(GFP_HIGHMEM, 0);
        s->ptr = s->pages ? vmap(s->pages, s->npages, VM_MAP, PAGE_KERNEL) : NULL;
        if (s->ptr) {
            bad_zone += !in_vm_area(s->ptr);
            tag_region(s->ptr, s->npages * PAGE_SIZE, s->tag);
        }
        break;
    case K_IOREMAP: {
        unsigned long phys = IO_PHYS - 0xF0000 + (rnd() % 256) * PAGE_SIZE + rnd() % PAGE_SIZE;
        s->size = 1 + rnd() % (2 * PAGE_SIZE);
        s->ptr = ioremap(phys, s->size);
        if (s->ptr)
            bad_zone += !in_vm_area(s->ptr) || ((unsigned long)s->ptr & ~PAGE_MASK) != (phys & ~PAGE_MASK) ||
                        phys_of(s->ptr) != phys;
        break;
    }
    default:
        break;
    }
    if (!s->ptr) {
        failed_allocs++;
        s->kind = K_FREE;
    }
}

static void stress_free(struct stress_slot *s)
{
    bool good = true;
    switch (s->kind) {
    case K_KMALLOC:
        good = s->size < 8 || check_region(s->ptr, s->size, s->tag);
        kfree(s->ptr);
        break;
    case K_CACHE:
        good = check_region(s->ptr, s->size, s->tag);
        kmem_cache_free(stress_cache, s->ptr);
        break;
    case K_PAGES:
        tag_pages(s->page, 1UL << s->order, s->tag, true, &good);
        free_pages((unsigned long)s->ptr, s->order);
        break;
    case K_HIGH:
        tag_pages(s->page, 1UL << s->order, s->tag, true, &good);
        __free_pages(s->page, s->order);
        break;
    case K_VMALLOC:
    case K_VMALLOC32:
        good = check_region(s->ptr, PAGE_ALIGN(s->size), s->tag);
        vfree(s->ptr);
        break;
    case K_VMAP:
        good = check_region(s->ptr, s->npages * PAGE_SIZE, s->tag);
        vunmap(s->ptr);
        for (unsigned int j = 0; j < s->npages; j++)
            __free_pages(s->pages[j], 0);
        kfree(s->pages);
        break;
    case K_IOREMAP:
        iounmap(s->ptr);
        break;
    default:
        break;
    }
    if (!good) {
        bad_data++;
        printk("# stress: corrupted allocation: kind %d size %lu order %u at 0x%08lx\n", s->kind, s->size, s->order,
               (unsigned long)s->ptr);
    }
    s->kind = K_FREE;
}

static void test_stress(u32 seed)
{
    struct reports m = mark();
    rng_state = seed ? seed : 1;
    stress_cache = kmem_cache_create("stress-72", 72, 0, 0, NULL);
    for (int step = 0; step < STRESS_OPS; step++) {
        int idx = (int)(rnd() % STRESS_SLOTS);
        if (slots[idx].kind == K_FREE)
            stress_alloc(&slots[idx], idx, step);
        else
            stress_free(&slots[idx]);
        if (step % 128 == 127)
            check_overlaps();
    }
    check_overlaps();
    for (int i = 0; i < STRESS_SLOTS; i++)
        if (slots[i].kind != K_FREE)
            stress_free(&slots[i]);
    kmem_cache_destroy(stress_cache);

    ok(failed_allocs == 0, "stress seed=%u: %d operations, %u allocation failures", seed, STRESS_OPS, failed_allocs);
    ok(bad_zone == 0, "stress: every allocation in its zone or area (%u bad)", bad_zone);
    ok(bad_overlap == 0 && overlap_checks > 0, "stress: live allocations never overlapped (%u checks)", overlap_checks);
    ok(bad_data == 0, "stress: contents intact when freed (%u corrupted)", bad_data);
    ok(reported(m, 0, 0), "stress: no BUG or WARN");
}

int scenario_selftest(void)
{
    u32 seed = (u32)cmdline_get_ulong("seed", 1);
    unsigned int bugs0 = mm_bug_count, warns0 = mm_warn_count;
    struct buddy_snapshot boot, end;
    kmem_cache_shrink_all();
    buddy_snapshot(&boot);

    printk("1..%d\n", PLAN);
    printk("# mm selftest: slub_debug %s, %s pages, seed=%u\n", mm_debug ? "on" : "off", mm_pse ? "PSE" : "4 KiB",
           seed);
    test_layout();
    test_buddy();
    test_slab();
    test_vmalloc();
    test_ioremap();
    test_highmem();
    test_stress(seed);

    kmem_cache_shrink_all();
    buddy_snapshot(&end);
    ok(vmlist == NULL && pgtable_stats.pgtables == 0 && kmap_slots_in_use() == 0,
       "no vm area, on-demand page table or kmap slot is left");
    ok(buddy_snapshot_equal(&boot, &end), "everything freed: the buddy lists are back in their boot state");
    ok(mm_bug_count - bugs0 == expected_bugs && mm_warn_count - warns0 == expected_warns,
       "every BUG/WARN line was an expected one (%u BUG, %u WARN)", expected_bugs, expected_warns);
    if (t_num != PLAN)
        ok(false, "plan: ran %d tests, planned %d", t_num, PLAN);

    printk("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail == 0 ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
