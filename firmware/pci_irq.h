/* PCI INTx routing as SeaBIOS sets it up on QEMU's i440FX/PIIX3 board. */
#ifndef FW_PCI_IRQ_H
#define FW_PCI_IRQ_H

#include "types.h"

/*
 * With a PIIX3 ISA bridge on bus 0: routes PIRQA#-D# to IRQs 10, 10, 11, 11, makes those 8259
 * inputs level-triggered in the ELCR, and writes each function's interrupt line register with the
 * IRQ its pin reaches. Without one, interrupt lines are left as the devices reset them.
 */
void pci_irq_setup(const u16 *functions, u32 count);

#endif
