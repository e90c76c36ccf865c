/*
 * The CMOS clock as course kernels and Linux's mc146818 code use it: read the date after waiting
 * for UIP to clear, then count periodic interrupts on IRQ8 (through the slave 8259) at 1024 Hz,
 * reading register C in each handler. It prints the date, that half a second of periodic
 * interrupts leaves the clock in the same second, that 1024 of them follow the first update
 * (edge of UIP) by one second, and that without reading C only one interrupt ever comes.
 * Polled serial output; exits 0.
 */
#include "course.h"

#include "devices/abi/cmos_rtc.h"

static volatile unsigned ticks;
static volatile int read_c_in_handler = 1;

static u8 cmos_read(u8 index) {
    outb(CMOS_INDEX_PORT, CMOS_NMI_DISABLE | index);
    return inb(CMOS_DATA_PORT);
}

static void cmos_write(u8 index, u8 value) {
    outb(CMOS_INDEX_PORT, CMOS_NMI_DISABLE | index);
    outb(CMOS_DATA_PORT, value);
}

void irq_dispatch(unsigned irq) {
    if (irq != RTC_IRQ)
        exit_guest(GUEST_EXIT_OOPS);
    ++ticks;
    if (read_c_in_handler)
        cmos_read(RTC_REG_C);
    pic_eoi(irq);
}

static unsigned bcd(u8 v) { return (v >> 4) * 10u + (v & 15u); }

struct date {
    unsigned year, month, day, hour, minute, second;
};

/* Linux's mc146818_get_time: wait until no update is in progress, then read the fields. */
static void read_date(struct date *d) {
    while (cmos_read(RTC_REG_A) & RTC_A_UIP)
        ;
    d->second = bcd(cmos_read(RTC_SECONDS));
    d->minute = bcd(cmos_read(RTC_MINUTES));
    d->hour = bcd(cmos_read(RTC_HOURS));
    d->day = bcd(cmos_read(RTC_DAY_OF_MONTH));
    d->month = bcd(cmos_read(RTC_MONTH));
    d->year = bcd(cmos_read(CMOS_CENTURY)) * 100 + bcd(cmos_read(RTC_YEAR));
}

static void put2(unsigned v) {
    serial_putc_polled((char)('0' + v / 10 % 10));
    serial_putc_polled((char)('0' + v % 10));
}

static void print_date(const char *what, const struct date *d) {
    serial_puts_polled(what);
    put_dec(serial_putc_polled, d->year);
    serial_putc_polled('-');
    put2(d->month);
    serial_putc_polled('-');
    put2(d->day);
    serial_putc_polled(' ');
    put2(d->hour);
    serial_putc_polled(':');
    put2(d->minute);
    serial_putc_polled(':');
    put2(d->second);
    serial_putc_polled('\n');
}

static void wait_ticks(unsigned n) {
    cli();
    while (ticks < n)
        sti_hlt();
}

/* The update ends where UIP falls. */
static void wait_for_update(void) {
    while (!(cmos_read(RTC_REG_A) & RTC_A_UIP))
        ;
    while (cmos_read(RTC_REG_A) & RTC_A_UIP)
        ;
}

void kernel_main(u32 magic, void *mbi) {
    (void)magic;
    (void)mbi;
    serial_init_polled();
    pic_remap();
    struct date d;
    read_date(&d);
    print_date("rtc_irq: power-on date ", &d);
    serial_puts_polled("rtc_irq: register B=0x");
    put_hex2(serial_putc_polled, cmos_read(RTC_REG_B));
    serial_puts_polled(" D=0x");
    put_hex2(serial_putc_polled, cmos_read(RTC_REG_D));
    serial_puts_polled(" extended memory KiB=");
    put_dec(serial_putc_polled, cmos_read(CMOS_EXT_MEMORY2_LO) | cmos_read(CMOS_EXT_MEMORY2_HI) << 8);
    serial_putc_polled('\n');

    wait_for_update();
    struct date start;
    read_date(&start);
    cmos_write(RTC_REG_A, RTC_A_DV_NORMAL | 6);   /* 1024 Hz */
    cmos_read(RTC_REG_C);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
    pic_unmask(RTC_IRQ);
    wait_ticks(512);
    read_date(&d);
    serial_puts_polled(d.second == start.second ? "rtc_irq: 512 periodic interrupts stay within one second\n"
                                                : "rtc_irq: 512 periodic interrupts crossed a second\n");
    wait_ticks(1100);
    read_date(&d);
    unsigned elapsed = (d.second + 60 - start.second) % 60;
    serial_puts_polled("rtc_irq: 1100 periodic interrupts later the clock moved by ");
    put_dec(serial_putc_polled, elapsed);
    serial_puts_polled(" second(s)\n");

    /* Nobody reads C now: IRQ8 stays asserted, the edge-triggered PIC sees one request. */
    cli();
    read_c_in_handler = 0;
    cmos_read(RTC_REG_C);
    unsigned before = ticks;
    sti();
    for (int i = 0; i < 2; ++i)
        wait_for_update();
    cli();
    serial_puts_polled("rtc_irq: without reading C, interrupts in two seconds: ");
    put_dec(serial_putc_polled, ticks - before);
    serial_putc_polled('\n');
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
    exit_guest(GUEST_EXIT_OK);
}
