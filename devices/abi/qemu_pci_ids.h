/* PCI identity shared by the QEMU-compatible devices: QEMU's vendor ID and default subsystem. */
#ifndef IA32EMU_ABI_QEMU_PCI_IDS_H
#define IA32EMU_ABI_QEMU_PCI_IDS_H

#define PCI_VENDOR_QEMU 0x1234
#define PCI_SUBSYSTEM_VENDOR_QEMU 0x1af4 /* QEMU gives every device without its own this pair */
#define PCI_SUBSYSTEM_QEMU 0x1100

#endif
