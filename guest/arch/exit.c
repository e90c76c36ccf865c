/* guest_exit: one 32-bit OUT to the exit port ends the run on ia32emu and on QEMU. */
#include "arch/exit.h"
#include "arch/cpu.h"
#include "arch/io.h"

void guest_exit(int code)
{
    outl(EXIT_PORT, (u32)code);
    /* Only reached if nothing listens on the port. */
    for (;;) {
        cli();
        hlt();
    }
}
