/* 16550A UART register layout (COM1) and the bits drivers use (National Semiconductor PC16550D datasheet). */
#ifndef IA32EMU_ABI_UART16550_H
#define IA32EMU_ABI_UART16550_H

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ 4
#define UART_BAUD_BASE 115200   /* 1.8432 MHz crystal / 16: the baud rate of divisor 1 */

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

#define UART_IER_RDI 0x01   /* received data available (and character timeout) */
#define UART_IER_THRI 0x02  /* transmit holding register empty */
#define UART_IER_RLSI 0x04  /* receiver line status (overrun, parity, framing, break) */
#define UART_IER_MSI 0x08   /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID 0x0e    /* the pending source, highest priority first: */
#define UART_IIR_RLSI 0x06
#define UART_IIR_RDI 0x04
#define UART_IIR_CTI 0x0c   /* FIFO mode: data waited 4 character times below the trigger level */
#define UART_IIR_THRI 0x02
#define UART_IIR_MSI 0x00
#define UART_IIR_FIFO_ENABLED 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_FCR_TRIGGER_MASK 0xc0  /* receive trigger level: 1, 4, 8 or 14 bytes */
#define UART_FCR_TRIGGER_8 0x80

#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01    /* data ready */
#define UART_LSR_OE 0x02    /* overrun */
#define UART_LSR_THRE 0x20  /* transmit holding register empty */
#define UART_LSR_TEMT 0x40  /* transmitter empty */

#endif
