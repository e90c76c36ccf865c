/*
 * timer: the PIT's channel 0 as a kernel's tick (rate generator at hz=N, IRQ 0), counted over a
 * hlt sleep and over a busy loop with interrupts enabled. It prints how many ticks each took and
 * the TSC cycles they spanned, so the tick rate can be checked against the CPU clock: a sleep of
 * N ticks must wake exactly N times, and the busy loop must see as many ticks as its TSC cycles
 * hold tick periods.
 */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "arch/exit.h"
#include "arch/io.h"
#include "arch/irq.h"
#include "devices/abi/pit8254.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

#define MIN_HZ 19       /* a 16-bit divisor reaches down to 18.2 Hz */
#define MAX_HZ 10000

static volatile u32 ticks;

static void tick(unsigned irq, void *data)
{
    (void)irq;
    (void)data;
    ticks++;
}

static void pit_start(u32 divisor)
{
    outb(PIT_MODE, PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE2);
    outb(PIT_CHANNEL0, (u8)divisor);
    outb(PIT_CHANNEL0, (u8)(divisor >> 8));
}

int scenario_timer(void)
{
    unsigned long hz = cmdline_get_ulong("hz", 100);
    unsigned long sleep = cmdline_get_ulong("sleep", 20);
    unsigned long loops = cmdline_get_ulong("loops", 10000000);
    if (hz < MIN_HZ || hz > MAX_HZ || sleep == 0 || loops == 0) {
        printk("timer: hz must be in %u..%u, sleep and loops above 0\n", MIN_HZ, MAX_HZ);
        return GUEST_EXIT_BAD_CMDLINE;
    }
    u32 divisor = (u32)((PIT_HZ + hz / 2) / hz);
    printk("timer: PIT channel 0 in mode 2, divisor %u (%u.%03u Hz)\n", divisor, PIT_HZ / divisor,
           (PIT_HZ % divisor) * 1000 / divisor);
    cli();
    if (request_irq(PIT_IRQ, tick, NULL) != 0) {
        printk("timer: IRQ %u is taken\n", PIT_IRQ);
        return GUEST_EXIT_TEST_FAILED;
    }
    pit_start(divisor);

    /* Line up with a tick, so the sleep spans whole periods. */
    u32 start = ticks;
    while (ticks == start)
        irq_sleep();
    start = ticks;
    u32 wakeups = 0;
    u64 t0 = rdtsc();
    while (ticks - start < sleep) {
        irq_sleep();
        wakeups++;
    }
    u64 slept = rdtsc() - t0;
    printk("timer: hlt sleep: %u ticks, %u wake-ups, %llu TSC cycles\n", ticks - start, wakeups,
           (unsigned long long)slept);

    start = ticks;
    t0 = rdtsc();
    sti();
    for (volatile unsigned long i = 0; i < loops; i++)
        ;
    cli();
    u64 busy = rdtsc() - t0;
    printk("timer: busy loop of %lu iterations: %u ticks, %llu TSC cycles\n", loops, ticks - start,
           (unsigned long long)busy);
    free_irq(PIT_IRQ);
    printk("timer: spurious interrupts %u\n", irq_spurious_count());
    return GUEST_EXIT_OK;
}
