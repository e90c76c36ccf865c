/* The 8259A pair of the PC/AT, as guests program it (shared by the host and the guests). */
#ifndef IA32EMU_ABI_PIC8259_H
#define IA32EMU_ABI_PIC8259_H

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xA0
#define PIC_SLAVE_DATA 0xA1
/* PIIX edge/level control registers, one per chip. */
#define PIC_ELCR_MASTER 0x4D0
#define PIC_ELCR_SLAVE 0x4D1

#define PIC_ICW1_ICW4 0x01    /* ICW4 follows */
#define PIC_ICW1_SINGLE 0x02  /* no cascade, so no ICW3 */
#define PIC_ICW1_INIT 0x10
#define PIC_ICW4_8086 0x01
#define PIC_ICW4_AUTO_EOI 0x02
#define PIC_ICW4_SFNM 0x10    /* special fully nested mode */

#define PIC_OCW2_EOI 0x20           /* non-specific EOI */
#define PIC_OCW2_SPECIFIC_EOI 0x60  /* | level */
#define PIC_OCW3 0x08
#define PIC_OCW3_READ_IRR 0x0A
#define PIC_OCW3_READ_ISR 0x0B
#define PIC_OCW3_POLL 0x0C

#define PIC_CASCADE_IRQ 2

#endif
