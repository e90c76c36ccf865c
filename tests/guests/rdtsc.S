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
    call serial_put_hex32
    popl %eax
    call serial_put_hex32
    movl $newline, %esi
    call serial_puts

    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
2:  hlt
    jmp 2b
    .size _start, . - _start

    .section .rodata
prefix:     .asciz "rdtsc: delta 0x"
newline:    .asciz "\n"

    .data

    .bss
    .balign 16
    .space 4096
stack_top:
