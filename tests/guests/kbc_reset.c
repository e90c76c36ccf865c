/*
 * The reboot path of course kernels and of Linux's `reboot=k`: wait until the 8042 takes a
 * command, then pulse the CPU reset line with 0xFE. Nothing after that may run: the line after
 * the pulse, and the exit through the exit port, only show when the reset was ignored.
 */
#include "course.h"

#include "devices/abi/i8042.h"

void irq_dispatch(unsigned irq) {
    (void)irq;
    exit_guest(GUEST_EXIT_OOPS);
}

void kernel_main(u32 magic, void *mbi) {
    (void)magic;
    (void)mbi;
    serial_init_polled();
    serial_puts_polled("kbc_reset: pulsing the CPU reset line\n");
    while (inb(I8042_STATUS_PORT) & I8042_STR_IBF)
        ;
    outb(I8042_STATUS_PORT, I8042_CMD_PULSE_RESET);
    serial_puts_polled("kbc_reset: still running after the reset pulse\n");
    exit_guest(GUEST_EXIT_TEST_FAILED);
}
