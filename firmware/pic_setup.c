/*
 * A kernel booted by QEMU finds the PICs initialised by SeaBIOS, and some rely on it: they unmask
 * a line without reprogramming the controller, or read the masks back. Our firmware has no
 * real-mode interrupt handlers, so it stops where SeaBIOS's own reset stops, before SeaBIOS
 * unmasks the timer and keyboard for its BIOS services: nothing can interrupt until the kernel
 * unmasks an input itself.
 */
#include "pic_setup.h"

#include "devices/abi/pic8259.h"
#include "io.h"

#define BIOS_MASTER_VECTOR 0x08
#define BIOS_SLAVE_VECTOR 0x70

void pic_setup(void)
{
    outb(PIC_MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_MASTER_DATA, BIOS_MASTER_VECTOR);
    outb(PIC_SLAVE_DATA, BIOS_SLAVE_VECTOR);
    outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
    outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
    outb(PIC_MASTER_DATA, PIC_ICW4_8086);
    outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
    outb(PIC_MASTER_DATA, (u8) ~(1u << PIC_CASCADE_IRQ));
    outb(PIC_SLAVE_DATA, 0xff);
}
