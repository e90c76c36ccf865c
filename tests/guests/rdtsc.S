/* A Multiboot kernel that times a loop of known length with rdtsc and prints the 64-bit TSC delta. */
#include "devices/abi/exit_port.h"

/* 100000 iterations of a two-instruction loop: 200000 instructions between the two reads. */
#define LOOP_ITERATIONS 100000

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init

    rdtsc
    movl %eax, %esi
    movl %edx, %edi
    movl $LOOP_ITERATIONS, %ecx
1:  decl %ecx
    jnz 1b
    rdtsc
    subl %esi, %eax
    sbbl %edi, %edx

    pushl %eax
    pushl %edx
    movl $prefix, %esi
    call serial_puts
    popl %eax
    call put_hex32
    popl %eax
    call put_hex32
    movl $newline, %esi
    call serial_puts

    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
2:  hlt
    jmp 2b
    .size _start, . - _start

/* put_hex32(EAX): eight lower-case hex digits; clobbers EAX, ECX, EDX, ESI, EDI. */
    .type put_hex32, @function
put_hex32:
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
    .size put_hex32, . - put_hex32

    .section .rodata
hex_digits: .ascii "0123456789abcdef"
prefix:     .asciz "rdtsc: delta 0x"
newline:    .asciz "\n"

    .data
hex_buf: .asciz "00000000"

    .bss
    .balign 16
    .space 4096
stack_top:
