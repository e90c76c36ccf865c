/*
 * validate_latency: a random pointer chase in the style of published latency tables (7-cpu.com,
 * lmbench's lat_mem_rd): one node every `stride` bytes (default one per 64-byte line) of a
 * `size`-byte vmalloc buffer (4 KiB pages, as a user process sees memory), linked in one random
 * cycle, so each load depends on the one before, lands on an unpredictable line and, past the
 * TLB reach, an unpredictable page (tests/validation/published_agreement_test.cpp). A stride of
 * 4160 (a page and a line) puts one node on each page, each in a different cache set: the chase
 * then measures TLB misses on top of an L1 hit. random=0 links the nodes in address order instead:
 * a cyclic walk over more pages than a TLB holds then misses it on every load under LRU, which
 * is how a per-miss penalty is measured.
 *
 * The order is Sattolo's shuffle driven by xorshift32 from a fixed seed: the same run gives the
 * same chain. The loop body is 16 dependent `mov (%esi),%esi` and a counter, so the loop's own
 * cost is a sixteenth of a load. Regions, caches warm after one lap (lap capped at `loads`):
 *
 *   validate_latency:short   `loads` loads
 *   validate_latency:long    2 x `loads` loads: long - short is `loads` loads, constants cancel
 *
 * chains=4 walks the same cycle from four points a quarter apart, interleaved: four independent
 * chases whose loads an out-of-order core can have in flight together (memory-level parallelism),
 * where an in-order core waits for each; `loads` still counts every load of the four.
 * split=1 checks each pointer for NULL before following it, as a linked-list walk in C does: every
 * load then ends a translation block and its use as the next address is in the block after, so
 * the dependence crosses blocks; a core still waits for each load as in the one-block chase.
 *
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter; 5 if no memory.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "mm/vmalloc.h"

#define NODE_BYTES 64UL
#define MAX_SIZE (64UL << 20)
#define MAX_LOADS (16UL << 20)

static const char warm_region[] = "validate_latency:warm";
static const char short_region[] = "validate_latency:short";
static const char long_region[] = "validate_latency:long";

/* One cursor in esi, followed 16 times per iteration through `node`, the asm that advances it once. */
#define DEFINE_CHASE16(fn, node)                                                                      \
    static __attribute__((noinline)) void fn(void **cursor, unsigned long loads, const char *name)   \
    {                                                                                                 \
        void *p = *cursor;                                                                            \
        unsigned long n = loads;                                                                      \
        __asm__ volatile("mov %[begin], %%edx\n\t"                                                    \
                         "out %%eax, %%dx\n"                                                          \
                         "1:\n\t"                                                                     \
                         ".rept 16\n\t" node ".endr\n\t"                                              \
                         "sub $16, %%ecx\n\t"                                                         \
                         "jnz 1b\n"                                                                   \
                         "2:\n\t"                                                                     \
                         "mov %[end], %%edx\n\t"                                                      \
                         "out %%eax, %%dx"                                                            \
                         : "+S"(p), "+c"(n)                                                           \
                         : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)            \
                         : "edx", "memory", "cc");                                                    \
        *cursor = p;                                                                                  \
    }

DEFINE_CHASE16(chase16, "mov (%%esi), %%esi\n\t")
/* A NULL test after each load: the conditional branch ends the block there. */
DEFINE_CHASE16(chase16_split, "mov (%%esi), %%esi\n\ttest %%esi, %%esi\n\tjz 2f\n\t")

/* Four cursors (esi, edi, ebx, ebp), each advanced four times per iteration. */
static __attribute__((noinline)) void chase4x4(void **cursors, unsigned long loads, const char *name)
{
    void *a = cursors[0], *b = cursors[1], *c = cursors[2], *d = cursors[3];
    unsigned long n = loads;
    __asm__ volatile("push %%ebp\n\t"
                     "push %%eax\n\t"
                     "mov %%edx, %%ebp\n\t"
                     "mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     ".rept 4\n\t"
                     "mov (%%esi), %%esi\n\t"
                     "mov (%%edi), %%edi\n\t"
                     "mov (%%ebx), %%ebx\n\t"
                     "mov (%%ebp), %%ebp\n\t"
                     ".endr\n\t"
                     "sub $16, %%ecx\n\t"
                     "jnz 1b\n\t"
                     "mov %%ebp, %%eax\n\t"
                     "xchg %%eax, (%%esp)\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx\n\t"
                     "pop %%edx\n\t"
                     "pop %%ebp"
                     : "+S"(a), "+D"(b), "+b"(c), "+d"(d), "+c"(n)
                     : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "memory", "cc");
    cursors[0] = a;
    cursors[1] = b;
    cursors[2] = c;
    cursors[3] = d;
}

static u32 xorshift32(u32 *state)
{
    u32 x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

int scenario_validate_latency(void)
{
    unsigned long size = cmdline_get_ulong("size", 16UL << 10);
    unsigned long loads = cmdline_get_ulong("loads", 65536);
    unsigned long stride = cmdline_get_ulong("stride", NODE_BYTES);
    if (stride < sizeof(void *) || stride % sizeof(void *) || stride > MAX_SIZE / 16) {
        printk("validate_latency: stride=%lu must be a multiple of %u up to %lu\n", stride, (unsigned)sizeof(void *),
               MAX_SIZE / 16);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    if (size < 16 * stride || size > MAX_SIZE || size % stride) {
        printk("validate_latency: size=%lu must be a multiple of stride=%lu in %lu..%lu\n", size, stride,
               16 * stride, MAX_SIZE);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long chains = cmdline_get_ulong("chains", 1);
    if (chains != 1 && chains != 4) {
        printk("validate_latency: chains=%lu must be 1 or 4\n", chains);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long split = cmdline_get_ulong("split", 0);
    if (split > 1 || (split && chains != 1)) {
        printk("validate_latency: split=%lu must be 0, or 1 with chains=1\n", split);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    if (loads < 16 || loads > MAX_LOADS || loads % 16) {
        printk("validate_latency: loads=%lu must be a multiple of 16 in 16..%lu\n", loads, MAX_LOADS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long nodes = size / stride;
    u8 *buf = vmalloc(size);
    u32 *order = vmalloc(nodes * sizeof(u32));
    if (!buf || !order) {
        printk("validate_latency: no memory for %lu bytes\n", size);
        if (buf)
            vfree(buf);
        return GUEST_EXIT_OOM;
    }
    /* Sattolo: a uniformly random single cycle through every node. */
    u32 seed = 2463534242u;
    for (unsigned long i = 0; i < nodes; i++)
        order[i] = i;
    bool random = cmdline_get_ulong("random", 1) != 0;
    for (unsigned long i = nodes - 1; random && i > 0; i--) {
        unsigned long j = xorshift32(&seed) % i;
        u32 t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned long i = 0; i < nodes; i++)
        *(void **)(buf + order[i] * stride) = buf + order[(i + 1) % nodes] * stride;
    void *cursors[4];
    for (unsigned long k = 0; k < 4; k++)
        cursors[k] = buf + order[k * nodes / 4] * stride;
    vfree(order);

    unsigned long lap = nodes < loads ? (nodes + 15) & ~15UL : loads;
    if (split) {
        chase16_split(&cursors[0], lap, warm_region);
        chase16_split(&cursors[0], loads, short_region);
        chase16_split(&cursors[0], 2 * loads, long_region);
    } else if (chains == 1) {
        chase16(&cursors[0], lap, warm_region);
        chase16(&cursors[0], loads, short_region);
        chase16(&cursors[0], 2 * loads, long_region);
    } else {
        chase4x4(cursors, lap, warm_region);
        chase4x4(cursors, loads, short_region);
        chase4x4(cursors, 2 * loads, long_region);
    }
    printk("validate_latency: size=%lu stride=%lu nodes=%lu loads=%lu random=%d chains=%lu split=%lu ok\n", size,
           stride, nodes, loads, random ? 1 : 0, chains, split);
    vfree(buf);
    return GUEST_EXIT_OK;
}
