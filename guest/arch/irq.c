/* The line table and dispatch; the 8259s are programmed lazily so kernels that never ask stay untouched. */
#include "arch/irq.h"
#include "arch/cpu.h"
#include "arch/traps.h"
#include "devices/abi/pic8259.h"
#include "lib/printk.h"

struct irq_action {
    irq_handler_t fn;
    void *data;
    u32 count;
};

extern const u32 irq_stubs[I8259_NR_IRQS];

static struct irq_action actions[I8259_NR_IRQS];
static u32 spurious;
static bool controllers_ready;

static void controllers_init(void)
{
    for (unsigned irq = 0; irq < I8259_NR_IRQS; irq++)
        set_interrupt_gate(IRQ_BASE_VECTOR + irq, irq_stubs[irq]);
    i8259_init(IRQ_BASE_VECTOR);
    controllers_ready = true;
}

int request_irq(unsigned irq, irq_handler_t fn, void *data)
{
    if (irq >= I8259_NR_IRQS || irq == PIC_CASCADE_IRQ || !fn || actions[irq].fn)
        return -1;
    if (!controllers_ready)
        controllers_init();
    actions[irq] = (struct irq_action){fn, data, 0};
    i8259_unmask(irq);
    return 0;
}

void free_irq(unsigned irq)
{
    if (irq >= I8259_NR_IRQS || !actions[irq].fn)
        return;
    i8259_mask(irq);
    actions[irq].fn = NULL;
}

/* Atomic with respect to the wake-up: `sti` holds interrupts off until after `hlt` starts. */
void irq_sleep(void)
{
    __asm__ volatile("sti; hlt; cli" : : : "memory");
}

u32 irq_count(unsigned irq)
{
    return irq < I8259_NR_IRQS ? actions[irq].count : 0;
}

u32 irq_spurious_count(void)
{
    return spurious;
}

void irq_dispatch(unsigned irq)
{
    if (i8259_spurious(irq)) {
        spurious++;
        return;
    }
    struct irq_action *a = &actions[irq];
    if (!a->fn) {
        /* Nobody asked for it: keep it masked, or a level-triggered line would storm. */
        printk("irq: unexpected IRQ %u, masked\n", irq);
        i8259_mask(irq);
    } else {
        a->count++;
        a->fn(irq, a->data);
    }
    i8259_eoi(irq);
}
