/* Polled 16550 transmitter on COM1: 115200 8N1, no interrupts, no FIFO tricks. */
#include "serial.h"

#include "devices/abi/uart16550.h"
#include "io.h"

/* Bounded so that a UART that never reports THRE cannot hang the error path. */
#define THRE_POLL_LIMIT 100000

void serial_init(void)
{
    outb(UART_COM1_BASE + UART_IER, 0);
    outb(UART_COM1_BASE + UART_LCR, UART_LCR_DLAB);
    outb(UART_COM1_BASE + UART_DLL, 1);
    outb(UART_COM1_BASE + UART_DLM, 0);
    outb(UART_COM1_BASE + UART_LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
}

static void serial_putc(char c)
{
    for (int i = 0; i < THRE_POLL_LIMIT; i++) {
        if (inb(UART_COM1_BASE + UART_LSR) & UART_LSR_THRE)
            break;
    }
    outb(UART_COM1_BASE + UART_THR, (u8)c);
}

void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}

void serial_puthex(u32 v)
{
    static const char digits[] = "0123456789abcdef";
    serial_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        serial_putc(digits[(v >> shift) & 0xf]);
}
