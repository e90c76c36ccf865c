/* COM1 for the test guests: program 115200 8N1, write strings and hex words by polling LSR.THRE, as a boot loader would. */
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

/* serial_put_hex32(EAX): eight lower-case hex digits; clobbers EAX, ECX, EDX, ESI, EDI. */
    .globl serial_put_hex32
    .type serial_put_hex32, @function
serial_put_hex32:
    movl $hex_buf + 8, %edi
    movl $8, %ecx
1:  decl %edi
    movl %eax, %edx
    andl $0xf, %edx
    movb hex_digits(%edx), %dl
    movb %dl, (%edi)
    shrl $4, %eax
    loop 1b
    movl $hex_buf, %esi
    jmp serial_puts
    .size serial_put_hex32, . - serial_put_hex32

    .section .rodata
hex_digits: .ascii "0123456789abcdef"

    .data
hex_buf: .asciz "00000000"
