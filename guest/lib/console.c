/* Polling driver for the COM1 16550 UART: the kernel's only console. */
#include "lib/printk.h"
#include "arch/io.h"
#include "devices/abi/uart16550.h"

#define COM1 UART_COM1_BASE

void console_init(void)
{
    outb(COM1 + UART_IER, 0);                /* polling only: no interrupts */
    outb(COM1 + UART_LCR, UART_LCR_DLAB);
    outb(COM1 + UART_DLL, 1);                /* 115200 baud */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, 0x03);             /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0x07);             /* enable and clear FIFOs */
    outb(COM1 + UART_MCR, 0x03);             /* DTR, RTS */
}

void console_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
        ;
    outb(COM1 + UART_THR, (u8)c);
}
