/* External interrupts: one handler per 8259 line, vectors IRQ_BASE_VECTOR.., and sleeping for them. */
#ifndef GUEST_ARCH_IRQ_H
#define GUEST_ARCH_IRQ_H

#define IRQ_BASE_VECTOR 0x20

#ifndef __ASSEMBLER__
#include "arch/i8259.h"
#include "lib/types.h"

/* Runs with interrupts off; the line is acknowledged (EOI) after it returns. */
typedef void (*irq_handler_t)(unsigned irq, void *data);

/*
 * Installs fn for line irq and unmasks it; the first call programs the controllers. 0, or -1
 * when the line is out of range, the cascade, or already taken. The kernel otherwise runs with
 * interrupts off: they are taken only inside irq_sleep.
 */
int request_irq(unsigned irq, irq_handler_t fn, void *data);
void free_irq(unsigned irq);

/* Enables interrupts and halts until one has been handled, then disables them again. */
void irq_sleep(void);

/* Interrupts each line has had, and spurious IR7/IR15 acknowledges ignored. */
u32 irq_count(unsigned irq);
u32 irq_spurious_count(void);

/* Called by trap_dispatch for vectors IRQ_BASE_VECTOR..+15. */
void irq_dispatch(unsigned irq);

#endif
#endif
