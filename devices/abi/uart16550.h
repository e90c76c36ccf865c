/* 16550 UART register layout (COM1), as a polling driver sees it. */
#ifndef IA32EMU_ABI_UART16550_H
#define IA32EMU_ABI_UART16550_H

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ 4

#define UART_RBR 0  /* read, DLAB=0: receive buffer */
#define UART_THR 0  /* write, DLAB=0: transmit holding */
#define UART_DLL 0  /* DLAB=1: divisor latch low */
#define UART_IER 1  /* DLAB=0: interrupt enable */
#define UART_DLM 1  /* DLAB=1: divisor latch high */
#define UART_IIR 2  /* read: interrupt identification */
#define UART_FCR 2  /* write: FIFO control */
#define UART_LCR 3  /* line control; bit 7 is DLAB */
#define UART_MCR 4  /* modem control; bit 4 is loopback */
#define UART_LSR 5  /* line status */
#define UART_MSR 6  /* modem status */
#define UART_SCR 7  /* scratch */

#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01    /* data ready */
#define UART_LSR_THRE 0x20  /* transmit holding register empty */
#define UART_LSR_TEMT 0x40  /* transmitter empty */
#define UART_IIR_NO_INT 0x01

#endif
