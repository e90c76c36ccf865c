/*
 * What course kernels and BIOSes ask the 8042 with no keyboard needed: drain the output buffer,
 * self-test, write and read back the command byte, test the keyboard interface, read the output
 * port, loop a byte back, and use port 0x80 as the I/O delay of outb_p. Interrupts stay off;
 * polled serial output; exits 0.
 */
#include "course.h"

#include "devices/abi/i8042.h"

/* Interrupts stay off: no IRQ ever reaches this kernel. */
void irq_dispatch(unsigned irq) {
    (void)irq;
    exit_guest(GUEST_EXIT_OOPS);
}

static void wait_write(void) {
    while (inb(I8042_STATUS_PORT) & I8042_STR_IBF)
        ;
}

static u8 read_reply(void) {
    for (unsigned tries = 0; tries < 100000; ++tries)
        if (inb(I8042_STATUS_PORT) & I8042_STR_OBF)
            return inb(I8042_DATA_PORT);
    serial_puts_polled("kbc: no reply\n");
    exit_guest(GUEST_EXIT_TEST_FAILED);
}

static void command(u8 c) {
    wait_write();
    outb(I8042_STATUS_PORT, c);
    outb(POST_CODE_PORT, 0);   /* outb_p: the delay Linux's i8042 driver and old BIOSes insert */
}

static void put_data(u8 v) {
    wait_write();
    outb(I8042_DATA_PORT, v);
}

static void say(const char *what, unsigned v) {
    serial_puts_polled(what);
    put_hex2(serial_putc_polled, v);
    serial_putc_polled('\n');
}

void kernel_main(u32 magic, void *mbi) {
    (void)magic;
    (void)mbi;
    serial_init_polled();
    while (inb(I8042_STATUS_PORT) & I8042_STR_OBF)
        inb(I8042_DATA_PORT);
    command(I8042_CMD_SELF_TEST);
    say("kbc: self-test 0x", read_reply());
    say("kbc: status system flag 0x", inb(I8042_STATUS_PORT) & I8042_STR_SYSFLAG);
    command(I8042_CMD_WRITE_CTR);
    put_data(I8042_CTR_XLATE | I8042_CTR_SYSFLAG | I8042_CTR_KBDDIS);
    command(I8042_CMD_READ_CTR);
    say("kbc: command byte 0x", read_reply());
    command(I8042_CMD_KBD_TEST);
    say("kbc: keyboard interface test 0x", read_reply());
    command(I8042_CMD_READ_OUTPUT);
    say("kbc: output port A20 0x", read_reply() & 0x02);
    command(I8042_CMD_KBD_LOOP);
    put_data(0xa5);
    say("kbc: looped back 0x", read_reply());
    say("kbc: status after reads 0x", inb(I8042_STATUS_PORT) & (I8042_STR_OBF | I8042_STR_AUXDATA));
    for (int i = 0; i < 1000; ++i)
        outb(POST_CODE_PORT, (u8)i);
    serial_puts_polled("kbc: 1000 writes to port 0x80 accepted\n");
    exit_guest(GUEST_EXIT_OK);
}
