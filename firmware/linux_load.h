/* Linux/x86 boot protocol hand-off, for a bzImage the host has prepared in fw_cfg. */
#ifndef FW_LINUX_LOAD_H
#define FW_LINUX_LOAD_H

#include "types.h"

int linux_boot_requested(void);
__attribute__((noreturn)) void linux_boot(void);

#endif
