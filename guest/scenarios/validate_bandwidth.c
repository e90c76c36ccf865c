/*
 * validate_bandwidth: sequential reads or writes over a `size`-byte vmalloc buffer (4 KiB pages)
 * with a 4-byte or 64-byte stride, in the style of published bandwidth tables (7-cpu.com's "RAM
 * Read B/W (4 Bytes stride)", "L2 Write B/W (64 Bytes stride)"; tests/validation/).
 *
 * The loops are unrolled over 512 bytes so the loop's own instructions are few next to the
 * accesses: stride 4 reads with `add off(%esi),%eax` (independent loads summed, as a program
 * reading memory does) and writes with `mov %eax,off(%esi)`; stride 64 touches one word per line.
 * One pass warms (region validate_bandwidth:first), then `passes` passes make
 * validate_bandwidth:steady, whose bytes / cycles is the bandwidth (per line, for stride 64).
 *
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter; 5 if no memory.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/vmalloc.h"

#define CHUNK 512UL
#define MAX_SIZE (64UL << 20)
#define MAX_PASSES 1000UL

static const char first_region[] = "validate_bandwidth:first";
static const char steady_region[] = "validate_bandwidth:steady";

/* One asm loop per mode; `passes` passes over [base, base + size), inside region `name`. */
#define BANDWIDTH_LOOP(fn, body)                                                                   \
    static __attribute__((noinline)) void fn(u8 *base, unsigned long size, unsigned long passes,    \
                                             const char *name)                                    \
    {                                                                                              \
        u8 *end = base + size;                                                                     \
        __asm__ volatile("push %%ebp\n\t"                                                          \
                         "mov %%ecx, %%ebp\n\t"                                                    \
                         "mov %[begin], %%edx\n\t"                                                 \
                         "out %%eax, %%dx\n"                                                       \
                         "1:\n\t"                                                                  \
                         "mov %%ebx, %%esi\n"                                                      \
                         "2:\n\t"                                                                  \
                         body                                                                      \
                         "add $512, %%esi\n\t"                                                     \
                         "cmp %%edi, %%esi\n\t"                                                    \
                         "jb 2b\n\t"                                                               \
                         "dec %%ebp\n\t"                                                           \
                         "jnz 1b\n\t"                                                              \
                         "mov %[end], %%edx\n\t"                                                   \
                         "out %%eax, %%dx\n\t"                                                     \
                         "pop %%ebp"                                                               \
                         : "+c"(passes)                                                            \
                         : "a"(name), "b"(base), "D"(end), [begin] "i"(ROI_BEGIN_PORT),             \
                           [end] "i"(ROI_END_PORT)                                                 \
                         : "edx", "esi", "memory", "cc");                                          \
    }

#define READ4(o) "add " #o "(%%esi), %%eax\n\t"
#define READ16(o) READ4(o) READ4(o + 4) READ4(o + 8) READ4(o + 12)
#define READ64(o) READ16(o) READ16(o + 16) READ16(o + 32) READ16(o + 48)
#define WRITE4(o) "mov %%eax, " #o "(%%esi)\n\t"
#define WRITE16(o) WRITE4(o) WRITE4(o + 4) WRITE4(o + 8) WRITE4(o + 12)
#define WRITE64(o) WRITE16(o) WRITE16(o + 16) WRITE16(o + 32) WRITE16(o + 48)
#define LINES8(op) op(0) op(64) op(128) op(192) op(256) op(320) op(384) op(448)

BANDWIDTH_LOOP(read_stride4, LINES8(READ64))
BANDWIDTH_LOOP(read_stride64, LINES8(READ4))
BANDWIDTH_LOOP(write_stride4, LINES8(WRITE64))
BANDWIDTH_LOOP(write_stride64, LINES8(WRITE4))

int scenario_validate_bandwidth(void)
{
    const char *mode = cmdline_get("mode");
    bool write = mode && strcmp(mode, "write") == 0;
    if (!mode || (!write && strcmp(mode, "read") != 0)) {
        printk("validate_bandwidth: mode=%s must be read or write\n", mode ? mode : "(none)");
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long stride = cmdline_get_ulong("stride", 4);
    unsigned long size = cmdline_get_ulong("size", 8UL << 20);
    unsigned long passes = cmdline_get_ulong("passes", 2);
    if (stride != 4 && stride != 64) {
        printk("validate_bandwidth: stride=%lu must be 4 or 64\n", stride);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    if (size < CHUNK || size > MAX_SIZE || size % CHUNK || passes < 1 || passes > MAX_PASSES) {
        printk("validate_bandwidth: size=%lu must be a multiple of %lu up to %lu, passes=%lu in 1..%lu\n", size,
               CHUNK, MAX_SIZE, passes, MAX_PASSES);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    u8 *buf = vmalloc(size);
    if (!buf) {
        printk("validate_bandwidth: no memory for %lu bytes\n", size);
        return GUEST_EXIT_OOM;
    }
    void (*loop)(u8 *, unsigned long, unsigned long, const char *) =
        write ? (stride == 4 ? write_stride4 : write_stride64) : (stride == 4 ? read_stride4 : read_stride64);
    loop(buf, size, 1, first_region);
    loop(buf, size, passes, steady_region);
    printk("validate_bandwidth: mode=%s stride=%lu size=%lu passes=%lu ok\n", write ? "write" : "read", stride,
           size, passes);
    vfree(buf);
    return GUEST_EXIT_OK;
}
