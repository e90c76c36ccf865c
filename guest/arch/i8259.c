/* 8259A programming as Linux's init_8259A does it, minus the auto-EOI and IO-APIC variants. */
#include "arch/i8259.h"
#include "arch/io.h"
#include "devices/abi/pic8259.h"

#define SPURIOUS_IR 7

static u8 cached_mask[2] = {0xff, 0xff};

static u16 data_port(unsigned chip)
{
    return chip ? PIC_SLAVE_DATA : PIC_MASTER_DATA;
}

void i8259_init(u8 base_vector)
{
    outb(PIC_MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_MASTER_DATA, base_vector);
    outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ);
    outb(PIC_MASTER_DATA, PIC_ICW4_8086);
    outb(PIC_SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_SLAVE_DATA, (u8)(base_vector + 8));
    outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
    outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
    cached_mask[0] = (u8)~(1u << PIC_CASCADE_IRQ);
    cached_mask[1] = 0xff;
    outb(PIC_MASTER_DATA, cached_mask[0]);
    outb(PIC_SLAVE_DATA, cached_mask[1]);
}

void i8259_unmask(unsigned irq)
{
    unsigned chip = irq >> 3;
    cached_mask[chip] &= (u8)~(1u << (irq & 7));
    outb(data_port(chip), cached_mask[chip]);
}

void i8259_mask(unsigned irq)
{
    unsigned chip = irq >> 3;
    cached_mask[chip] |= (u8)(1u << (irq & 7));
    outb(data_port(chip), cached_mask[chip]);
}

void i8259_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC_SLAVE_CMD, PIC_OCW2_EOI);
    outb(PIC_MASTER_CMD, PIC_OCW2_EOI);
}

bool i8259_spurious(unsigned irq)
{
    if ((irq & 7) != SPURIOUS_IR)
        return false;
    u16 cmd = irq >= 8 ? PIC_SLAVE_CMD : PIC_MASTER_CMD;
    outb(cmd, PIC_OCW3_READ_ISR);
    bool in_service = inb(cmd) & (1u << SPURIOUS_IR);
    outb(cmd, PIC_OCW3_READ_IRR);
    if (in_service)
        return false;
    /* The master did acknowledge the cascade for a spurious slave request: end that one. */
    if (irq >= 8)
        outb(PIC_MASTER_CMD, PIC_OCW2_EOI);
    return true;
}
