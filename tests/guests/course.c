/* The helpers every course kernel has: PIC remapping, EOIs, a polled serial port. */
#include "course.h"

void pic_remap(void) {
    outb(PIC_MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
    outb(PIC_MASTER_DATA, 0x20);
    outb(PIC_SLAVE_DATA, 0x28);
    outb(PIC_MASTER_DATA, 1 << PIC_CASCADE_IRQ);
    outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
    outb(PIC_MASTER_DATA, PIC_ICW4_8086);
    outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
    outb(PIC_MASTER_DATA, 0xff);
    outb(PIC_SLAVE_DATA, 0xff);
}

void pic_unmask(unsigned irq) {
    if (irq >= 8) {
        outb(PIC_SLAVE_DATA, inb(PIC_SLAVE_DATA) & ~(1u << (irq - 8)));
        irq = PIC_CASCADE_IRQ;
    }
    outb(PIC_MASTER_DATA, inb(PIC_MASTER_DATA) & ~(1u << irq));
}

void pic_eoi(unsigned irq) {
    if (irq >= 8)
        outb(PIC_SLAVE_CMD, PIC_OCW2_EOI);
    outb(PIC_MASTER_CMD, PIC_OCW2_EOI);
}

void serial_init_polled(void) {
    outb(UART_COM1_BASE + UART_IER, 0);
    outb(UART_COM1_BASE + UART_LCR, UART_LCR_DLAB);
    outb(UART_COM1_BASE + UART_DLL, 1);
    outb(UART_COM1_BASE + UART_DLM, 0);
    outb(UART_COM1_BASE + UART_LCR, 0x03);
}

void serial_putc_polled(char c) {
    while (!(inb(UART_COM1_BASE + UART_LSR) & UART_LSR_THRE))
        ;
    outb(UART_COM1_BASE + UART_THR, (u8)c);
}

void serial_puts_polled(const char *s) {
    while (*s)
        serial_putc_polled(*s++);
}

void put_dec(void (*putc)(char), unsigned v) {
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc(buf[--n]);
}

void put_hex2(void (*putc)(char), unsigned v) {
    static const char digits[] = "0123456789abcdef";
    putc(digits[(v >> 4) & 15]);
    putc(digits[v & 15]);
}

void exit_guest(u32 code) {
    __asm__ volatile("outl %0, %1" : : "a"(code), "Nd"((u16)EXIT_PORT));
    for (;;)
        __asm__ volatile("cli; hlt");
}
