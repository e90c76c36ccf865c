/* Formatted output to the serial console, and panic(). */
#ifndef GUEST_LIB_PRINTK_H
#define GUEST_LIB_PRINTK_H

#include <stdarg.h>
#include "lib/types.h"

void console_init(void);
void console_putc(char c);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
