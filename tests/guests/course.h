/* What a course kernel writes for itself: port I/O, the 8259 pair, a polled COM1, the exit port. */
#ifndef COURSE_H
#define COURSE_H

#include "devices/abi/exit_port.h"
#include "devices/abi/pic8259.h"
#include "devices/abi/uart16550.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) {
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }

/* Vectors 0x20-0x2f, everything masked. */
void pic_remap(void);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
/* Called from course_boot.S for IRQ n; the kernel defines it. */
void irq_dispatch(unsigned irq);

void serial_init_polled(void);
void serial_putc_polled(char c);
void serial_puts_polled(const char *s);
void put_dec(void (*putc)(char), unsigned v);
void put_hex2(void (*putc)(char), unsigned v);
__attribute__((noreturn)) void exit_guest(u32 code);

#endif
