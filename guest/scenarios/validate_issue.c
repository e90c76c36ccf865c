/*
 * validate_issue: the core's issue width and ALU latency as instruction tables measure them
 * (tests/validation/): a loop of 96 `add $1, reg` over four registers, whose adds are independent
 * of one another four ways, so they run at the issue width, and the same loop on one register,
 * whose adds form one dependency chain, so they run at the ADD latency.
 *
 *   validate_issue:independent   `iterations` iterations over eax, ebx, edx, esi
 *   validate_issue:dependent     `iterations` iterations over eax
 *
 * Cycles per instruction of each region (the loop's own dec/jnz included) is the measurement.
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

#define MAX_ITERATIONS (1UL << 20)

static const char independent_region[] = "validate_issue:independent";
static const char dependent_region[] = "validate_issue:dependent";

#define ADD4_SPREAD "add $1, %%eax\n\tadd $1, %%ebx\n\tadd $1, %%edx\n\tadd $1, %%esi\n\t"
#define ADD4_CHAIN "add $1, %%eax\n\tadd $1, %%eax\n\tadd $1, %%eax\n\tadd $1, %%eax\n\t"

/* The sum of the four registers, so the adds are not dead. */
#define ISSUE_LOOP(fn, add4)                                                                       \
    static __attribute__((noinline)) unsigned long fn(unsigned long iterations, const char *name) \
    {                                                                                              \
        unsigned long a = 0, b = 0, d = 0, s = 0;                                                  \
        __asm__ volatile("push %%eax\n\t"                                                          \
                         "push %%edx\n\t"                                                          \
                         "mov %%edi, %%eax\n\t"                                                    \
                         "mov %[begin], %%edx\n\t"                                                 \
                         "out %%eax, %%dx\n\t"                                                     \
                         "pop %%edx\n\t"                                                           \
                         "pop %%eax\n"                                                             \
                         "1:\n\t"                                                                  \
                         ".rept 24\n\t" add4 ".endr\n\t"                                           \
                         "dec %%ecx\n\t"                                                           \
                         "jnz 1b\n\t"                                                              \
                         "push %%eax\n\t"                                                          \
                         "push %%edx\n\t"                                                          \
                         "mov %%edi, %%eax\n\t"                                                    \
                         "mov %[end], %%edx\n\t"                                                   \
                         "out %%eax, %%dx\n\t"                                                     \
                         "pop %%edx\n\t"                                                           \
                         "pop %%eax"                                                               \
                         : "+c"(iterations), "+a"(a), "+b"(b), "+d"(d), "+S"(s)                    \
                         : "D"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)         \
                         : "memory", "cc");                                                        \
        return a + b + d + s;                                                                      \
    }

ISSUE_LOOP(independent_adds, ADD4_SPREAD)
ISSUE_LOOP(dependent_adds, ADD4_CHAIN)

int scenario_validate_issue(void)
{
    unsigned long iterations = cmdline_get_ulong("iterations", 10000);
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
        printk("validate_issue: iterations=%lu out of range 1..%lu\n", iterations, MAX_ITERATIONS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long spread = independent_adds(iterations, independent_region);
    unsigned long chain = dependent_adds(iterations, dependent_region);
    bool ok = spread == 96 * iterations && chain == 96 * iterations;
    printk("validate_issue: iterations=%lu %s\n", iterations, ok ? "ok" : "sums wrong");
    return ok ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
