/* The 8259 pair as SeaBIOS leaves it for the kernel. */
#ifndef FW_PIC_SETUP_H
#define FW_PIC_SETUP_H

/*
 * Initialises both controllers (edge-triggered by ICW1, 8086 mode, cascade on IR2) with the PC
 * BIOS vectors 0x08-0x0f and 0x70-0x77, and masks every input except the cascade.
 */
void pic_setup(void);

#endif
