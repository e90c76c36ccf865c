/* Polled output on COM1, used only to report why the firmware cannot boot. */
#ifndef FW_SERIAL_H
#define FW_SERIAL_H

#include "types.h"

void serial_init(void);
void serial_puts(const char *s);
void serial_puthex(u32 v);

#endif
