/*
 * validate_sweep: strided loads over an array, so the host's cache and TLB miss counts can be
 * checked against what the board configuration predicts (tests/validation/).
 *
 * The array holds `count` addresses `stride` bytes apart, starting `offset` bytes into a buffer
 * from __get_free_pages (mem=direct: physically contiguous, reached through the direct map's
 * large pages) or from vmalloc (mem=vmalloc: 4 KiB pages). Two regions, one load per address:
 *
 *   validate_sweep:first   one pass, right after the caches were emptied (wbinvd) and, for
 *                          vmalloc memory, every page's translation dropped (invlpg); cold=0
 *                          skips both
 *   validate_sweep:steady  `passes` further passes: capacity and conflict misses only
 *
 * Both regions and the loops run in one asm block whose only memory accesses are the loads, and
 * the region markers are written to the magic ports there rather than through roi_begin/roi_end:
 * those calls push and pop on the stack, and a stack line evicted by the sweep would add a miss
 * the analytic count does not have. Instructions inside the steady region: 4 per load and 3 per
 * pass (rewind and pass counter); the marker instructions it gains and loses to block-granular
 * counting cancel here.
 *
 * Prints one line with the parameters; nothing timing-dependent, so the output matches QEMU.
 * Exit 0; 6 (GUEST_EXIT_BAD_CMDLINE) for a bad parameter; 5 (GUEST_EXIT_OOM) if no buffer.
 */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/vmalloc.h"

#define MAX_PASSES 1000000UL
#define MAX_VMALLOC_SPAN (64UL << 20)

static const char first_region[] = "validate_sweep:first";
static const char steady_region[] = "validate_sweep:steady";

static void sweep(const volatile u8 *base, unsigned long stride, unsigned long count, unsigned long passes)
{
    unsigned long span = stride * count;
    const volatile u8 *end = base + span;
    const volatile u8 *cursor = base;
    unsigned long scratch = passes;
    /*
     * ebp (the frame pointer) counts the passes: every other register is taken. The block is
     * aligned to a cache line and kept under 64 bytes, so the instruction fetch that precedes the
     * first region brings in all of it; the final jmp ends the last translation block inside that
     * line, so the block holding the last marker fetches nothing new either.
     */
    __asm__ volatile(".p2align 6\n\t"
                     "push %%ebp\n\t"
                     "mov %%eax, %%ebp\n\t"
                     "mov %[first], %%eax\n\t"
                     "mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     "mov (%%esi), %%edx\n\t"
                     "add %%ecx, %%esi\n\t"
                     "cmp %%edi, %%esi\n\t"
                     "jb 1b\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx\n\t"
                     "sub %%ebx, %%esi\n\t"
                     "mov %[steady], %%eax\n\t"
                     "mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "2:\n\t"
                     "mov (%%esi), %%edx\n\t"
                     "add %%ecx, %%esi\n\t"
                     "cmp %%edi, %%esi\n\t"
                     "jb 2b\n\t"
                     "sub %%ebx, %%esi\n\t"
                     "dec %%ebp\n\t"
                     "jnz 2b\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx\n\t"
                     "pop %%ebp\n\t"
                     "jmp 3f\n"
                     "3:"
                     : "+S"(cursor), "+a"(scratch)
                     : "D"(end), "b"(span), "c"(stride), [first] "i"(first_region),
                       [steady] "i"(steady_region), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "edx", "memory", "cc");
}

static bool parse(unsigned long *stride, unsigned long *count, unsigned long *offset, unsigned long *passes,
                  bool *vm)
{
    const char *mem = cmdline_get("mem");
    *vm = mem && strcmp(mem, "vmalloc") == 0;
    if (mem && !*vm && strcmp(mem, "direct") != 0) {
        printk("validate_sweep: mem=%s is neither direct nor vmalloc\n", mem);
        return false;
    }
    *stride = cmdline_get_ulong("stride", 64);
    *count = cmdline_get_ulong("count", 256);
    *offset = cmdline_get_ulong("offset", 0);
    *passes = cmdline_get_ulong("passes", 8);
    unsigned long limit = *vm ? MAX_VMALLOC_SPAN : PAGE_SIZE << (MAX_ORDER - 1);
    if (*stride < 4 || *stride % 4 || *stride > limit) {
        printk("validate_sweep: stride=%lu must be a multiple of 4 in 4..%lu\n", *stride, limit);
        return false;
    }
    if (*count < 1 || *count > limit / *stride || *offset % 4 || *offset > limit - *stride * *count) {
        printk("validate_sweep: count=%lu offset=%lu do not fit %lu bytes\n", *count, *offset, limit);
        return false;
    }
    if (*passes < 1 || *passes > MAX_PASSES) {
        printk("validate_sweep: passes=%lu out of range 1..%lu\n", *passes, MAX_PASSES);
        return false;
    }
    return true;
}

int scenario_validate_sweep(void)
{
    unsigned long stride, count, offset, passes;
    bool vm;
    if (!parse(&stride, &count, &offset, &passes, &vm))
        return GUEST_EXIT_BAD_CMDLINE;
    bool cold = cmdline_get_ulong("cold", 1) != 0;
    unsigned long bytes = offset + stride * count;
    unsigned int order = get_order(bytes);
    u8 *buf = vm ? vmalloc(bytes) : (u8 *)__get_free_pages(GFP_KERNEL, order);
    if (!buf) {
        printk("validate_sweep: no buffer of %lu bytes\n", bytes);
        return GUEST_EXIT_OOM;
    }
    /*
     * One read per page first: the direct map's large-page entries are then in the TLB, and no
     * walk (whose PDE read would be a data-cache miss of its own) happens inside a region.
     */
    for (unsigned long a = 0; a < bytes; a += PAGE_SIZE)
        (void)*(volatile u8 *)(buf + a);
    if (cold) {
        __asm__ volatile("wbinvd" : : : "memory");
        if (vm)
            for (unsigned long a = 0; a < bytes; a += PAGE_SIZE)
                invlpg(buf + a);
    }
    sweep(buf + offset, stride, count, passes);
    printk("validate_sweep: mem=%s stride=%lu count=%lu offset=%lu passes=%lu cold=%d ok\n",
           vm ? "vmalloc" : "direct", stride, count, offset, passes, cold ? 1 : 0);
    if (vm)
        vfree(buf);
    else
        free_pages((unsigned long)buf, order);
    return GUEST_EXIT_OK;
}
