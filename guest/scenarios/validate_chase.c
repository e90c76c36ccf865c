/*
 * validate_chase: a pointer chase through a buffer of `size` bytes with one node every `stride`
 * bytes (node i points at node i+1, the last at the first), so every load depends on the one
 * before and costs the load-to-use latency of the level the buffer lives in (tests/validation/).
 *
 * The buffer comes from __get_free_pages (physically contiguous, direct map). One function runs
 * every chase, so its code is the same and already fetched in each measured region:
 *
 *   validate_chase:warm    one lap (every node once): fills the caches
 *   validate_chase:short   `loads` dependent loads
 *   validate_chase:long    2 x `loads` dependent loads
 *
 * Each iteration is `mov (%esi),%esi; dec %ecx; jnz` (3 instructions); the region markers are
 * written to the magic ports from the same asm block, so the regions hold the loop and the marker
 * sequences and nothing else. long - short is then exactly `loads` iterations, constants cancel.
 *
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter; 5 if no buffer.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "mm/page_alloc.h"

#define MAX_LOADS 100000000UL

static const char warm_region[] = "validate_chase:warm";
static const char short_region[] = "validate_chase:short";
static const char long_region[] = "validate_chase:long";

/* Follows `loads` links from *cursor inside region `name`; leaves *cursor at the node reached. */
static __attribute__((noinline)) void chase(void **cursor, unsigned long loads, const char *name)
{
    void *p = *cursor;
    unsigned long n = loads;
    __asm__ volatile("mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     "mov (%%esi), %%esi\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx"
                     : "+S"(p), "+c"(n)
                     : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "edx", "memory", "cc");
    *cursor = p;
}

int scenario_validate_chase(void)
{
    unsigned long size = cmdline_get_ulong("size", 16UL << 10);
    unsigned long stride = cmdline_get_ulong("stride", 64);
    unsigned long max_size = PAGE_SIZE << (MAX_ORDER - 1);
    if (stride < sizeof(void *) || stride % sizeof(void *) || size < stride || size > max_size) {
        printk("validate_chase: need stride a multiple of %u and stride <= size <= %lu (size=%lu stride=%lu)\n",
               (unsigned)sizeof(void *), max_size, size, stride);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long nodes = size / stride;
    unsigned long loads = cmdline_get_ulong("loads", 4 * nodes);
    if (loads < 1 || loads > MAX_LOADS) {
        printk("validate_chase: loads=%lu out of range 1..%lu\n", loads, MAX_LOADS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned int order = get_order(size);
    u8 *buf = (u8 *)__get_free_pages(GFP_KERNEL, order);
    if (!buf) {
        printk("validate_chase: no buffer of %lu bytes\n", size);
        return GUEST_EXIT_OOM;
    }
    for (unsigned long i = 0; i < nodes; i++)
        *(void **)(buf + i * stride) = buf + ((i + 1) % nodes) * stride;

    void *cursor = buf;
    chase(&cursor, nodes, warm_region);
    chase(&cursor, loads, short_region);
    chase(&cursor, 2 * loads, long_region);
    unsigned long expect = (nodes + 3 * loads) % nodes;
    bool ok = cursor == buf + expect * stride;
    printk("validate_chase: size=%lu stride=%lu nodes=%lu loads=%lu %s\n", size, stride, nodes, loads,
           ok ? "ok" : "ended at the wrong node");
    free_pages((unsigned long)buf, order);
    return ok ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
