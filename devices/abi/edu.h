/*
 * The edu DMA engine (QEMU's -device edu, specs/edu.txt): PCI IDs and BAR0 register layout.
 * Registers below 0x80 take 32-bit accesses only; the DMA registers take 32-bit accesses, with
 * the upper half of each 64-bit register at +4 (8-byte accesses arrive as two 32-bit halves).
 * A 32-bit write to the low half clears the upper half, as on QEMU.
 */
#ifndef IA32EMU_ABI_EDU_H
#define IA32EMU_ABI_EDU_H

#define EDU_DEVICE_ID 0x11e8            /* vendor PCI_VENDOR_QEMU */
#define EDU_CLASS 0xff0000              /* unassigned class, as QEMU reports */
#define EDU_REVISION 0x10
#define EDU_MMIO_BAR 0
#define EDU_MMIO_SIZE 0x100000u

#define EDU_IDENT 0x00                  /* RO: 0x010000ed */
#define EDU_LIVENESS 0x04               /* RW: reads back the bitwise inverse of what was written */
#define EDU_FACTORIAL 0x08              /* RW: write n, read n! once EDU_STATUS_COMPUTING clears */
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24             /* RO */
#define EDU_IRQ_RAISE 0x60              /* WO: ORed into the IRQ status */
#define EDU_IRQ_ACK 0x64                /* WO: cleared from the IRQ status */
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98

#define EDU_IDENT_VALUE 0x010000edu

#define EDU_STATUS_COMPUTING 0x01       /* RO */
#define EDU_STATUS_IRQ_FACT 0x80        /* RW: raise EDU_IRQ_FACT when a factorial finishes */
/*
 * ia32emu only: the last DMA command was rejected (nothing moved). Bits 15:12 give the rule.
 * Cleared by the next accepted DMA command, or by writing EDU_STATUS with this bit set.
 */
#define EDU_STATUS_DMA_REJECTED 0x100
#define EDU_STATUS_DMA_RULE_SHIFT 12
#define EDU_STATUS_DMA_RULE_MASK 0xf000
#define EDU_DMA_RULE_BUS_MASTER_OFF 1   /* PCI command register has bus mastering off */
#define EDU_DMA_RULE_DEVICE_RANGE 2     /* the device-side range leaves the 4 KiB buffer */
#define EDU_DMA_RULE_ABOVE_MASK 3       /* the bus range exceeds the DMA mask */
#define EDU_DMA_RULE_NOT_RAM 4          /* the bus range leaves RAM */
#define EDU_DMA_RULE_NO_MAPPING 5       /* not inside one live contiguous DMA mapping */

#define EDU_DMA_CMD_START 0x1           /* stays set while the transfer is in flight */
#define EDU_DMA_CMD_TO_RAM 0x2          /* 0: RAM -> device buffer, 1: device buffer -> RAM */
#define EDU_DMA_CMD_IRQ 0x4             /* raise EDU_IRQ_DMA on completion */

#define EDU_IRQ_FACT 0x00000001u
#define EDU_IRQ_DMA 0x00000100u

#define EDU_BUFFER_OFFSET 0x40000       /* device-side address of the buffer in DMA registers */
#define EDU_BUFFER_SIZE 4096

#endif
