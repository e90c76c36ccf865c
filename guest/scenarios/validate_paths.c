/*
 * validate_paths: the shapes that path accounting must count right (tests/validation/), each
 * inside a region that bounds what the path may be charged:
 *
 *   paths_loop_at_entry  a function whose first instruction is its own loop's target, called
 *                        `calls` times with a 100-iteration loop: `calls` calls, not 100 x calls
 *                        (region validate_paths:loop)
 *   paths_recurse        a recursive function called `calls` times to depth 5: `calls` calls,
 *                        whose cycles are inside the region's (region validate_paths:recurse)
 *   paths_tail_caller    ends in `jmp paths_loop_at_entry`, called `calls` times: the jump is not
 *                        a call, the callee's work is the caller's (region validate_paths:tail)
 *
 * The functions are assembly so that no compiler turns the recursion into a loop or puts a
 * prologue before the loop. Prints one line with the parameters. Exit 0; 6 for a bad parameter.
 */
#include "scenarios/scenarios.h"
#include "devices/abi/exit_port.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/roi.h"

#define MAX_CALLS 10000UL

/* ECX = iterations; clobbers ECX. */
__asm__(".text\n"
        ".globl paths_loop_at_entry\n"
        "paths_loop_at_entry:\n"
        "    dec %ecx\n"
        "    jnz paths_loop_at_entry\n"
        "    ret\n"
        /* ECX = depth; returns EAX = depth, clobbers ECX. */
        ".globl paths_recurse\n"
        "paths_recurse:\n"
        "    test %ecx, %ecx\n"
        "    jz 1f\n"
        "    dec %ecx\n"
        "    call paths_recurse\n"
        "    inc %eax\n"
        "    ret\n"
        "1:  xor %eax, %eax\n"
        "    ret\n"
        /* ECX = iterations for the callee it jumps to. */
        ".globl paths_tail_caller\n"
        "paths_tail_caller:\n"
        "    add $1, %ecx\n"
        "    jmp paths_loop_at_entry\n");

static void loop_at_entry(unsigned long iterations)
{
    __asm__ volatile("call paths_loop_at_entry" : "+c"(iterations) : : "memory", "cc");
}

static unsigned long recurse(unsigned long depth)
{
    unsigned long result;
    __asm__ volatile("call paths_recurse" : "=a"(result), "+c"(depth) : : "memory", "cc");
    return result;
}

static void tail_caller(unsigned long iterations)
{
    __asm__ volatile("call paths_tail_caller" : "+c"(iterations) : : "memory", "cc");
}

int scenario_validate_paths(void)
{
    unsigned long calls = cmdline_get_ulong("calls", 10);
    if (calls < 1 || calls > MAX_CALLS) {
        printk("validate_paths: calls=%lu out of range 1..%lu\n", calls, MAX_CALLS);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    roi_begin("validate_paths:loop");
    for (unsigned long i = 0; i < calls; i++)
        loop_at_entry(100);
    roi_end("validate_paths:loop");
    unsigned long depth_sum = 0;
    roi_begin("validate_paths:recurse");
    for (unsigned long i = 0; i < calls; i++)
        depth_sum += recurse(5);
    roi_end("validate_paths:recurse");
    roi_begin("validate_paths:tail");
    for (unsigned long i = 0; i < calls; i++)
        tail_caller(99);
    roi_end("validate_paths:tail");
    bool ok = depth_sum == 5 * calls;
    printk("validate_paths: calls=%lu %s\n", calls, ok ? "ok" : "recursion returned the wrong depth");
    return ok ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
