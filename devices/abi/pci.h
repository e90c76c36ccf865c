/* PCI configuration mechanism #1 and the devices on bus 0 of the board. */
#ifndef IA32EMU_ABI_PCI_H
#define IA32EMU_ABI_PCI_H

#define PCI_CONFIG_ADDRESS 0xcf8  /* 32-bit: enable(31) bus(23:16) dev(15:11) fn(10:8) reg(7:2) */
#define PCI_CONFIG_DATA 0xcfc     /* 8/16/32-bit at 0xcfc + (reg & 3) */

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400  /* the function's INTx# stays deasserted */
#define PCI_STATUS_INTERRUPT 0x08       /* RO: the function asserts INTx# (even when disabled) */

#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_PREFETCH 0x8

#define PCI_HOST_BRIDGE_VENDOR 0x8086  /* i440FX */
#define PCI_HOST_BRIDGE_DEVICE 0x1237
#define PCI_ISA_BRIDGE_VENDOR 0x8086   /* PIIX3 function 0, the PCI-to-ISA bridge in slot 1 */
#define PCI_ISA_BRIDGE_DEVICE 0x7000
#define PCI_ISA_BRIDGE_SLOT 1

/*
 * PIIX3 PIRQ route control (ISA bridge config 0x60-0x63, PIRQA#-PIRQD#): an IRQ number below 16
 * routes the link to that 8259 input; bit 7 set disconnects it (the reset value 0x80).
 */
#define PIIX_PIRQRC 0x60
#define PIIX_PIRQRC_DISABLE 0x80
#define PIIX_PIRQ_COUNT 4

#define PCI_DEFAULT_HOLE_START 0xe0000000u

#endif
