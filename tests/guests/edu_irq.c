/*
 * A course kernel driving QEMU's edu device by interrupt: it finds the device by scanning bus 0,
 * takes the IRQ the firmware wrote into the interrupt line register (SeaBIOS's PIRQ routing:
 * IRQ 11 for slot 3), unmasks it on the 8259 and sleeps in `sti; hlt` for each event. Its handler
 * reads the IRQ status (0x24), acknowledges those bits (0x64), then sends the EOI: the line is
 * level-triggered, so the order matters. It checks, in turn: the raise register (0x60), a
 * factorial with its interrupt enabled, a 2 KiB DMA round trip with the IRQ bit in both commands,
 * and INTx disable in the PCI command register holding the interrupt back while the status
 * register's interrupt bit shows it pending. Polled serial output; exits 0, or GUEST_EXIT_TEST_FAILED.
 */
#include "course.h"

#include "devices/abi/edu.h"
#include "devices/abi/pci.h"
#include "devices/abi/qemu_pci_ids.h"

#define SPIN_WITHOUT_INTERRUPT 100000
/* Less than the whole buffer: QEMU 7.2 aborts on a 4096-byte transfer (off by one). */
#define BUFFER_BYTES (EDU_BUFFER_SIZE / 2)

static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u32 inl(u16 port) {
    u32 v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static u32 pci_read(u32 slot, u32 reg) {
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | slot << 11 | (reg & 0xfc));
    return inl(PCI_CONFIG_DATA);
}

static void pci_write(u32 slot, u32 reg, u32 v) {
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | slot << 11 | (reg & 0xfc));
    outl(PCI_CONFIG_DATA, v);
}

static volatile u32 *regs;
static unsigned edu_irq;
static volatile unsigned interrupts;
static volatile u32 last_status;

static u32 edu_read(u32 off) { return regs[off / 4]; }
static void edu_write(u32 off, u32 v) { regs[off / 4] = v; }

void irq_dispatch(unsigned irq) {
    if (irq != edu_irq)
        exit_guest(GUEST_EXIT_OOPS);
    u32 status = edu_read(EDU_IRQ_STATUS);
    edu_write(EDU_IRQ_ACK, status);
    last_status = status;
    ++interrupts;
    pic_eoi(irq);
}

static void print(const char *s) { serial_puts_polled(s); }

static void print_hex(u32 v) {
    print("0x");
    for (int shift = 24; shift >= 0; shift -= 8)
        put_hex2(serial_putc_polled, v >> shift);
}

/* Sleeps until the handler has run `count` times in all. */
static void wait_for(unsigned count) {
    cli();
    while (interrupts < count)
        sti_hlt();
}

static void report(const char *what, unsigned before) {
    print(what);
    print(": interrupts ");
    put_dec(serial_putc_polled, interrupts - before);
    print(", status ");
    print_hex(last_status);
    serial_putc_polled('\n');
}

static u8 out_buf[BUFFER_BYTES] __attribute__((aligned(4096)));
static u8 in_buf[BUFFER_BYTES] __attribute__((aligned(4096)));

static void dma(u32 src, u32 dst, u32 cmd) {
    edu_write(EDU_DMA_SRC, src);
    edu_write(EDU_DMA_DST, dst);
    edu_write(EDU_DMA_COUNT, BUFFER_BYTES);
    edu_write(EDU_DMA_CMD, cmd | EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
}

void kernel_main(u32 magic, void *mbi) {
    (void)magic;
    (void)mbi;
    serial_init_polled();
    pic_remap();
    u32 slot = 0;
    while (slot < 32 && pci_read(slot, PCI_VENDOR_ID) != ((u32)EDU_DEVICE_ID << 16 | PCI_VENDOR_QEMU))
        ++slot;
    if (slot == 32) {
        print("edu_irq: no edu device on bus 0\n");
        exit_guest(GUEST_EXIT_TEST_FAILED);
    }
    u32 interrupt = pci_read(slot, PCI_INTERRUPT_LINE);
    edu_irq = interrupt & 0xff;   /* the line; the pin is the next byte */
    regs = (volatile u32 *)(pci_read(slot, PCI_BAR0) & ~0xfu);
    print("edu_irq: slot ");
    put_dec(serial_putc_polled, slot);
    print(", interrupt pin ");
    serial_putc_polled((char)('A' - 1 + ((interrupt >> 8) & 0xff)));
    print(", line ");
    put_dec(serial_putc_polled, edu_irq);
    serial_putc_polled('\n');
    if (edu_irq < 3 || edu_irq > 15)
        exit_guest(GUEST_EXIT_TEST_FAILED);
    u32 command = pci_read(slot, PCI_COMMAND) & 0xffff;
    pci_write(slot, PCI_COMMAND, command | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    pic_unmask(edu_irq);

    unsigned before = interrupts;
    edu_write(EDU_IRQ_RAISE, 0x00abcd00);
    wait_for(before + 1);
    report("edu_irq: raise 0x00abcd00", before);

    before = interrupts;
    edu_write(EDU_STATUS, EDU_STATUS_IRQ_FACT);
    edu_write(EDU_FACTORIAL, 10);
    wait_for(before + 1);
    edu_write(EDU_STATUS, 0);
    report("edu_irq: factorial", before);
    print("edu_irq: 10! = ");
    put_dec(serial_putc_polled, edu_read(EDU_FACTORIAL));
    serial_putc_polled('\n');

    for (unsigned i = 0; i < BUFFER_BYTES; ++i)
        out_buf[i] = (u8)(i * 13 + 7);
    before = interrupts;
    dma((u32)out_buf, EDU_BUFFER_OFFSET, 0);
    wait_for(before + 1);
    dma(EDU_BUFFER_OFFSET, (u32)in_buf, EDU_DMA_CMD_TO_RAM);
    wait_for(before + 2);
    report("edu_irq: DMA to the device and back", before);
    unsigned mismatches = 0;
    for (unsigned i = 0; i < BUFFER_BYTES; ++i)
        mismatches += in_buf[i] != out_buf[i];
    print("edu_irq: bytes differing after the round trip: ");
    put_dec(serial_putc_polled, mismatches);
    serial_putc_polled('\n');

    /* INTx disable: the device asserts, the wire stays low, the status bit tells. */
    command = pci_read(slot, PCI_COMMAND) & 0xffff;
    pci_write(slot, PCI_COMMAND, command | PCI_COMMAND_INTX_DISABLE);
    before = interrupts;
    edu_write(EDU_IRQ_RAISE, 0x1);
    sti();
    for (volatile unsigned i = 0; i < SPIN_WITHOUT_INTERRUPT; ++i)
        ;
    cli();
    print("edu_irq: with INTx disabled: interrupts ");
    put_dec(serial_putc_polled, interrupts - before);
    print(", PCI status interrupt bit ");
    put_dec(serial_putc_polled, (pci_read(slot, PCI_COMMAND) >> 16 & PCI_STATUS_INTERRUPT) != 0);
    serial_putc_polled('\n');
    pci_write(slot, PCI_COMMAND, command);
    wait_for(before + 1);
    report("edu_irq: INTx enabled again", before);
    exit_guest(mismatches == 0 ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED);
}
