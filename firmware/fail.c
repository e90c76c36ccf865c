/* Reports a fatal boot error on COM1 and stops the machine with FIRMWARE_EXIT_LOAD_FAILED. */
#include "fail.h"

#include "devices/abi/exit_port.h"
#include "io.h"
#include "serial.h"

static __attribute__((noreturn)) void stop(void)
{
    outl(EXIT_PORT, FIRMWARE_EXIT_LOAD_FAILED);
    /* Only reached on a machine without an exit port: park the CPU for good. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

void fail(const char *msg)
{
    serial_init();
    serial_puts("ia32emu firmware: ");
    serial_puts(msg);
    serial_puts("\n");
    stop();
}

void fail_value(const char *msg, u32 value)
{
    serial_init();
    serial_puts("ia32emu firmware: ");
    serial_puts(msg);
    serial_puts(" ");
    serial_puthex(value);
    serial_puts("\n");
    stop();
}
