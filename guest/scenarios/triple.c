/* triple: an empty IDT makes any exception unrecoverable, so the CPU shuts down (a triple fault). */
#include "scenarios/scenarios.h"
#include "arch/exit.h"
#include "lib/printk.h"
#include "lib/types.h"

int scenario_triple(void)
{
    struct {
        u16 limit;
        u32 base;
    } __attribute__((packed)) empty = { 0, 0 };
    u32 lo = 1, hi = 0, zero = 0;

    printk("triple: loading an empty IDT and dividing by zero\n");
    /* #DE cannot be delivered -> #GP, which cannot either -> #DF, which cannot either -> shutdown. */
    __asm__ volatile("lidt %2\n\t"
                     "divl %3"
                     : "+a"(lo), "+d"(hi)
                     : "m"(empty), "r"(zero)
                     : "memory");
    printk("triple: still running after the fault\n");
    return GUEST_EXIT_TEST_FAILED;
}
