/*
 * validate_icount: loops of a known number of instructions per iteration, so the host's
 * instruction count of a region can be checked against the loop count exactly (tests/validation/).
 *
 *   validate_icount:k2:once    `iters` iterations of  dec; jnz                      (2 instructions)
 *   validate_icount:k2:twice   2 x `iters` of the same loop
 *   validate_icount:k6:once    `iters` iterations of  add; xor; lea; nop; dec; jnz  (6 instructions)
 *   validate_icount:k6:twice   2 x `iters` of the same loop
 *
 * The markers are written to the magic ports from the loop's own asm block, so each region holds
 * the loop plus the same few marker instructions: twice - once = iters x k exactly.
 * Prints one line with the parameters. Exit 0; 6 for a bad parameter.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/magic_ops.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

#define MAX_ITERS 100000000UL

static const char k2_once[] = "validate_icount:k2:once";
static const char k2_twice[] = "validate_icount:k2:twice";
static const char k6_once[] = "validate_icount:k6:once";
static const char k6_twice[] = "validate_icount:k6:twice";

static __attribute__((noinline)) void loop_k2(unsigned long iters, const char *name)
{
    unsigned long n = iters;
    __asm__ volatile("mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx"
                     : "+c"(n)
                     : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "edx", "cc");
}

/* Returns the value the ALU chain computed, so the compiler must keep it. */
static __attribute__((noinline)) unsigned long loop_k6(unsigned long iters, const char *name)
{
    unsigned long n = iters, a = 0, b = 1;
    __asm__ volatile("mov %[begin], %%edx\n\t"
                     "out %%eax, %%dx\n"
                     "1:\n\t"
                     "add $3, %%ebx\n\t"
                     "xor %%ebx, %%edi\n\t"
                     "lea 1(%%edi), %%edi\n\t"
                     "nop\n\t"
                     "dec %%ecx\n\t"
                     "jnz 1b\n\t"
                     "mov %[end], %%edx\n\t"
                     "out %%eax, %%dx"
                     : "+c"(n), "+b"(a), "+D"(b)
                     : "a"(name), [begin] "i"(ROI_BEGIN_PORT), [end] "i"(ROI_END_PORT)
                     : "edx", "cc");
    return a + b;
}

int scenario_validate_icount(void)
{
    unsigned long iters = cmdline_get_ulong("iters", 1000);
    if (iters < 1 || iters > MAX_ITERS) {
        printk("validate_icount: iters=%lu out of range 1..%lu\n", iters, MAX_ITERS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    loop_k2(iters, k2_once);
    loop_k2(2 * iters, k2_twice);
    unsigned long once = loop_k6(iters, k6_once);
    unsigned long twice = loop_k6(2 * iters, k6_twice);
    printk("validate_icount: iters=%lu ok (%lx %lx)\n", iters, once, twice);
    return GUEST_EXIT_OK;
}
