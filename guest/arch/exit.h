/* Ending the run through the exit port (devices/abi/exit_port.h). */
#ifndef GUEST_ARCH_EXIT_H
#define GUEST_ARCH_EXIT_H

#include "devices/abi/exit_port.h"

void guest_exit(int code) __attribute__((noreturn));

#endif
