/* PCI bus 0 enumeration and BAR assignment, done the way SeaBIOS leaves the bus for the kernel. */
#ifndef FW_PCI_SETUP_H
#define FW_PCI_SETUP_H

#include "types.h"

/* Sizes every BAR on bus 0, places memory BARs from hole_start and I/O BARs from 0xc000. */
void pci_setup(u32 hole_start);

#endif
