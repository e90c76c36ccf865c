/* COM1 for the test guests: program 115200 8N1 and write strings by polling LSR.THRE, as a boot loader would. */
#include "devices/abi/uart16550.h"

    .text
    .globl serial_init
    .type serial_init, @function
serial_init:
    movw $(UART_COM1_BASE + UART_IER), %dx
    xorb %al, %al
    outb %al, %dx
    movw $(UART_COM1_BASE + UART_LCR), %dx
    movb $UART_LCR_DLAB, %al
    outb %al, %dx
    movw $(UART_COM1_BASE + UART_DLL), %dx
    movb $1, %al
    outb %al, %dx
    movw $(UART_COM1_BASE + UART_DLM), %dx
    xorb %al, %al
    outb %al, %dx
    movw $(UART_COM1_BASE + UART_LCR), %dx
    movb $0x03, %al
    outb %al, %dx
    ret
    .size serial_init, . - serial_init

/* serial_puts(ESI = NUL-terminated string); clobbers EAX, EDX, ESI. */
    .globl serial_puts
    .type serial_puts, @function
serial_puts:
1:  movb (%esi), %ah
    testb %ah, %ah
    jz 3f
    movw $(UART_COM1_BASE + UART_LSR), %dx
2:  inb %dx, %al
    testb $UART_LSR_THRE, %al
    jz 2b
    movw $(UART_COM1_BASE + UART_THR), %dx
    movb %ah, %al
    outb %al, %dx
    incl %esi
    jmp 1b
3:  ret
    .size serial_puts, . - serial_puts
