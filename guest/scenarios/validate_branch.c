/*
 * validate_branch: the branch misprediction penalty as published tables measure it: one loop
 * whose conditional branch follows a random bit, and the same loop with the bit masked to 0 so
 * the branch always goes one way (tests/validation/). Both paths of the branch run the same
 * instructions, so the regions differ only in mispredictions: half the random branches, each
 * costing the penalty.
 *
 *   validate_branch:fixed    `iterations` iterations, branch never taken
 *   validate_branch:random   `iterations` iterations, branch on bit 0 of xorshift32
 *
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

#define MAX_ITERATIONS (16UL << 20)

static const char fixed_region[] = "validate_branch:fixed";
static const char random_region[] = "validate_branch:random";

/* xorshift32 in %ebx; %edi counts the taken and not-taken paths differently, so neither is dead. */
static __attribute__((noinline)) unsigned long branch_loop(unsigned long iterations, unsigned long mask,
                                                           const char *name)
{
    unsigned long sum = 0;
    __asm__ volatile("push %%ebp\n\t"
                     "mov %%edx, %%ebp\n\t"
                     "mov $2463534242, %%ebx\n\t"
                     "push %%eax\n\t"
                     "mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     "mov %%ebx, %%eax\n\t"
                     "shl $13, %%eax\n\t"
                     "xor %%eax, %%ebx\n\t"
                     "mov %%ebx, %%eax\n\t"
                     "shr $17, %%eax\n\t"
                     "xor %%eax, %%ebx\n\t"
                     "mov %%ebx, %%eax\n\t"
                     "shl $5, %%eax\n\t"
                     "xor %%eax, %%ebx\n\t"
                     "test %%ebp, %%ebx\n\t"
                     "jnz 2f\n\t"
                     "add $1, %%edi\n\t"
                     "jmp 3f\n"
                     "2:\n\t"
                     "add $2, %%edi\n\t"
                     "jmp 3f\n"
                     "3:\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "pop %%eax\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx\n\t"
                     "pop %%ebp"
                     : "+c"(iterations), "+D"(sum), "+d"(mask)
                     : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "ebx", "memory", "cc");
    return sum;
}

int scenario_validate_branch(void)
{
    unsigned long iterations = cmdline_get_ulong("iterations", 100000);
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
        printk("validate_branch: iterations=%lu out of range 1..%lu\n", iterations, MAX_ITERATIONS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    unsigned long fixed = branch_loop(iterations, 0, fixed_region);
    unsigned long random = branch_loop(iterations, 1, random_region);
    bool ok = fixed == iterations && random > iterations && random < 2 * iterations;
    printk("validate_branch: iterations=%lu %s\n", iterations, ok ? "ok" : "paths not taken as expected");
    return ok ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
