/* The PC's two cascaded 8259A interrupt controllers. */
#ifndef GUEST_ARCH_I8259_H
#define GUEST_ARCH_I8259_H

#include "lib/types.h"

#define I8259_NR_IRQS 16

/*
 * Reprograms both controllers (vectors base..base+15, cascade on IR2, 8086 mode, edge-triggered
 * by ICW1 with the ELCR the firmware set left alone) and masks every line but the cascade.
 */
void i8259_init(u8 base_vector);
void i8259_unmask(unsigned irq);
void i8259_mask(unsigned irq);
/* Non-specific EOI to the slave (for IRQ 8-15) and the master. */
void i8259_eoi(unsigned irq);
/* A request withdrawn before its acknowledge arrives as IR7 of its chip without setting ISR. */
bool i8259_spurious(unsigned irq);

#endif
