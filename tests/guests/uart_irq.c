/*
 * An interrupt-driven serial console as course kernels and Linux's 8250 driver write one: 16550A
 * FIFOs with an 8-byte receive trigger, IRQ4 through the remapped 8259, received bytes taken on
 * the received-data and character-timeout interrupts, output queued in a ring and sent on THRE
 * interrupts (THRI enabled while the ring holds data, up to 16 bytes per THRE). It prints each
 * non-empty line it receives until the line "end", then how it got them, and exits 0.
 */
#include "course.h"

#define COM1 UART_COM1_BASE
#define RING 4096

static volatile char tx_ring[RING];
static volatile unsigned tx_head, tx_tail;
static volatile int tx_active;
static volatile char rx_ring[RING];
static volatile unsigned rx_head, rx_tail;
static volatile unsigned rx_interrupts, timeout_interrupts, thre_interrupts;

static void send_from_ring(void) {
    for (int n = 0; n < 16 && tx_tail != tx_head; ++n)
        outb(COM1 + UART_THR, (u8)tx_ring[tx_tail++ % RING]);
    if (tx_tail == tx_head) {
        tx_active = 0;
        outb(COM1 + UART_IER, UART_IER_RDI);
    }
}

void irq_dispatch(unsigned irq) {
    if (irq != UART_COM1_IRQ)
        exit_guest(GUEST_EXIT_OOPS);
    for (;;) {
        u8 iir = inb(COM1 + UART_IIR);
        if (iir & UART_IIR_NO_INT)
            break;
        switch (iir & UART_IIR_ID) {
        case UART_IIR_CTI:
            ++timeout_interrupts;
            /* fall through */
        case UART_IIR_RDI:
            ++rx_interrupts;
            while (inb(COM1 + UART_LSR) & UART_LSR_DR)
                rx_ring[rx_head++ % RING] = (char)inb(COM1 + UART_RBR);
            break;
        case UART_IIR_THRI:
            ++thre_interrupts;
            send_from_ring();
            break;
        case UART_IIR_RLSI:
            inb(COM1 + UART_LSR);
            break;
        default:
            inb(COM1 + UART_MSR);
            break;
        }
    }
    pic_eoi(irq);
}

static void putc_irq(char c) {
    cli();
    while (tx_head - tx_tail >= RING)
        sti_hlt();
    tx_ring[tx_head++ % RING] = c;
    if (!tx_active) {
        tx_active = 1;
        outb(COM1 + UART_IER, UART_IER_RDI | UART_IER_THRI);
    }
}

static void puts_irq(const char *s) {
    while (*s)
        putc_irq(*s++);
}

/* Sleeps until a whole line has arrived; returns its length without the newline. */
static unsigned read_line(char *line, unsigned max) {
    unsigned n = 0;
    for (;;) {
        cli();
        while (rx_tail == rx_head)
            sti_hlt();
        char c = rx_ring[rx_tail++ % RING];
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < max)
            line[n++] = c;
    }
    line[n] = 0;
    return n;
}

static int is_end(const char *s) { return s[0] == 'e' && s[1] == 'n' && s[2] == 'd' && s[3] == 0; }

void kernel_main(u32 magic, void *mbi) {
    (void)magic;
    (void)mbi;
    pic_remap();
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, UART_LCR_DLAB);
    outb(COM1 + UART_DLL, 1);
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, 0x03);
    outb(COM1 + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT | UART_FCR_TRIGGER_8);
    outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    outb(COM1 + UART_IER, UART_IER_RDI);
    pic_unmask(UART_COM1_IRQ);
    sti();

    puts_irq("uart_irq: IRQ4 console up, 16550A FIFO trigger 8\n");
    char line[128];
    unsigned lines = 0;
    for (;;) {
        unsigned n = read_line(line, sizeof line);
        if (n == 0)
            continue;
        if (is_end(line))
            break;
        ++lines;
        puts_irq("uart_irq: got '");
        puts_irq(line);
        puts_irq("' (");
        put_dec(putc_irq, n);
        puts_irq(" bytes)\n");
    }
    puts_irq("uart_irq: lines=");
    put_dec(putc_irq, lines);
    puts_irq(rx_interrupts ? " received on interrupts" : " NOT received on interrupts");
    puts_irq(thre_interrupts ? ", sent on THRE interrupts\n" : ", NOT sent on THRE interrupts\n");
    cli();
    while (tx_active)
        sti_hlt();
    exit_guest(GUEST_EXIT_OK);
}
