/*
 * bench: the data behind the seeds' allocator claims, as regions of interest (lib/roi.h) the
 * host reports with cycles, cache and TLB misses. Every cell repeats `reps` times (reps=N on the
 * command line, default 8): allocate, touch one byte per 64-byte line, free. Each repetition is
 * one call of the cell's region, so the report's mean, p50 and p99 are per repetition. Inside it,
 * CELL:alloc, CELL:touch and CELL:free are regions of their own, so what the allocator costs is
 * not mixed with what first use of its memory costs. A repetition whose allocation fails marks
 * CELL and CELL:alloc failed (roi_fail) and has no touch or free.
 *
 *   kmalloc/S, get_free_pages/S, vmalloc/S        S = 32 B .. 4 MiB in powers of two
 *                                                 (__get_free_pages with the order that fits S)
 *   touch:direct/4M, touch:vmalloc/4M             reps x4 passes writing one word per page of
 *                                                 a 4 MiB buffer reached through the direct map
 *                                                 (large pages when the CPU has PSE) or through
 *                                                 vmalloc (1024 small pages): TLB reach
 *   frag:kmalloc/S, frag:get_free_pages/S, frag:vmalloc/S
 *                                                 the first three again after fragmenting lowmem
 *                                                 so no free block above order 0 remains: high
 *                                                 orders fail where vmalloc still succeeds
 *
 * Each cell prints `bench: NAME xREPS ok` or `bench: NAME xREPS failed F` (F failed allocations);
 * timings come only from the host's report, so the output is the same under QEMU. Allocation
 * failures in the fragmented phase are expected and print the allocator's WARN lines.
 * Exit: 0; 1 if a cell on unfragmented memory failed or pages were not all returned at the end;
 * 6 (GUEST_EXIT_BAD_CMDLINE) for reps outside 1..100000. For timing runs add slub_debug=- so the
 * slab runs its lean paths.
 */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/roi.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

#define MIN_SHIFT 5
#define MAX_SHIFT 22
#define TOUCH_STRIDE 64
#define TOUCH_SIZE (4UL << 20)
#define TOUCH_PASSES 4
#define DEFAULT_REPS 8
#define MAX_REPS 100000

enum allocator { KMALLOC, GET_FREE_PAGES, VMALLOC, NR_ALLOCATORS };

static const char *const allocator_names[NR_ALLOCATORS] = { "kmalloc", "get_free_pages", "vmalloc" };

static void touch(volatile u8 *p, unsigned long size, unsigned long stride)
{
    for (unsigned long off = 0; off < size; off += stride)
        p[off] = (u8)(off >> 6);
}

struct cell_names {
    char cell[ROI_NAME_MAX], alloc[ROI_NAME_MAX], touch[ROI_NAME_MAX], free[ROI_NAME_MAX];
};

static void *allocate(enum allocator a, unsigned long size, gfp_t extra)
{
    switch (a) {
    case KMALLOC:
        return kmalloc(size, GFP_KERNEL | extra);
    case GET_FREE_PAGES:
        return (void *)__get_free_pages(GFP_KERNEL | extra, get_order(size));
    default:
        return vmalloc(size);
    }
}

static void release(enum allocator a, void *p, unsigned long size)
{
    switch (a) {
    case KMALLOC:
        kfree(p);
        break;
    case GET_FREE_PAGES:
        free_pages((unsigned long)p, get_order(size));
        break;
    default:
        vfree(p);
        break;
    }
}

/* One allocate/touch/free, each phase its own region inside the cell's; false if the allocation failed. */
static bool cycle(const struct cell_names *n, enum allocator a, unsigned long size, gfp_t extra)
{
    roi_begin(n->cell);
    roi_begin(n->alloc);
    u8 *p = allocate(a, size, extra);
    if (!p) {
        roi_fail(n->alloc);
        roi_end(n->alloc);
        roi_fail(n->cell);
        roi_end(n->cell);
        return false;
    }
    roi_end(n->alloc);
    roi_begin(n->touch);
    touch(p, size, TOUCH_STRIDE);
    roi_end(n->touch);
    roi_begin(n->free);
    release(a, p, size);
    roi_end(n->free);
    roi_end(n->cell);
    return true;
}

/* Runs one cell `reps` times; returns the number of failed allocations. */
static unsigned long run_cell(const char *prefix, enum allocator a, unsigned long size,
                              unsigned long reps, gfp_t extra)
{
    struct cell_names n;
    snprintk(n.cell, sizeof(n.cell), "%s%s/%lu", prefix, allocator_names[a], size);
    snprintk(n.alloc, sizeof(n.alloc), "%s:alloc", n.cell);
    snprintk(n.touch, sizeof(n.touch), "%s:touch", n.cell);
    snprintk(n.free, sizeof(n.free), "%s:free", n.cell);
    unsigned long failed = 0;
    for (unsigned long r = 0; r < reps; r++)
        if (!cycle(&n, a, size, extra))
            failed++;
    if (failed)
        printk("bench: %s x%lu failed %lu\n", n.cell, reps, failed);
    else
        printk("bench: %s x%lu ok\n", n.cell, reps);
    return failed;
}

static unsigned long run_sweep(const char *prefix, unsigned long reps, gfp_t extra)
{
    unsigned long failed = 0;
    for (int a = 0; a < NR_ALLOCATORS; a++)
        for (int shift = MIN_SHIFT; shift <= MAX_SHIFT; shift++)
            failed += run_cell(prefix, (enum allocator)a, 1UL << shift, reps, extra);
    return failed;
}

static void touch_region(const char *name, u8 *buf, unsigned long reps)
{
    for (unsigned long r = 0; r < reps * TOUCH_PASSES; r++) {
        roi_begin(name);
        touch(buf, TOUCH_SIZE, PAGE_SIZE);
        roi_end(name);
    }
    printk("bench: %s x%lu ok\n", name, reps * TOUCH_PASSES);
}

static bool run_touch(unsigned long reps)
{
    unsigned int order = get_order(TOUCH_SIZE);
    unsigned long direct = __get_free_pages(GFP_KERNEL, order);
    u8 *vm = vmalloc(TOUCH_SIZE);
    bool ok = direct && vm;
    if (ok) {
        touch_region("touch:direct/4M", (u8 *)direct, reps);
        touch_region("touch:vmalloc/4M", vm, reps);
    } else {
        printk("bench: touch buffers could not be allocated\n");
    }
    if (vm)
        vfree(vm);
    if (direct)
        free_pages(direct, order);
    return ok;
}

/*
 * Fragmentation: take every free lowmem block, largest first, and split it into pages; then give
 * back the odd-numbered frames. What stays free is single pages whose buddies are all held, so
 * every allocation above order 0 from lowmem fails. The odd frames go back only after the last
 * allocation, or the order-0 pass would take them again forever. Pages are chained through their
 * first word; the even chain is returned to be freed
 * after the fragmented sweep.
 */
static void push(void **chain, struct page *page)
{
    void **slot = page_address(page);
    *slot = *chain;
    *chain = slot;
}

static void free_chain(void *chain)
{
    while (chain) {
        void *next = *(void **)chain;
        free_page((unsigned long)chain);
        chain = next;
    }
}

static void *fragment(void)
{
    void *held = NULL, *odd = NULL;
    for (int order = MAX_ORDER - 1; order >= 0; order--) {
        struct page *block;
        while ((block = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order))) {
            if (order)
                split_page(block, (unsigned int)order);
            for (unsigned long i = 0; i < (1UL << order); i++)
                push((page_to_pfn(block + i) & 1) ? &odd : &held, block + i);
        }
    }
    free_chain(odd);
    return held;
}

int scenario_bench(void)
{
    unsigned long reps = cmdline_get_ulong("reps", DEFAULT_REPS);
    if (reps < 1 || reps > MAX_REPS) {
        printk("bench: reps=%lu out of range 1..%u\n", reps, MAX_REPS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    kmem_cache_shrink_all();
    unsigned long free_before = nr_free_pages();
    printk("bench: reps=%lu\n", reps);

    bool ok = run_sweep("", reps, 0) == 0;
    ok = run_touch(reps) && ok;

    /* Empty slabs left by the first sweep would let kmalloc skip the page allocator. */
    kmem_cache_shrink_all();
    void *chain = fragment();
    printk("bench: fragmented lowmem, holding every other page\n");
    run_sweep("frag:", reps, __GFP_NOWARN);
    free_chain(chain);

    kmem_cache_shrink_all();
    unsigned long free_after = nr_free_pages();
    if (free_after != free_before) {
        printk("bench: %ld pages not returned\n", (long)(free_before - free_after));
        ok = false;
    }
    return ok ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
