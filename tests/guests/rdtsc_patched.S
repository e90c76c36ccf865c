/* Linux's alternatives in miniature: a routine reading the TSC with `rdtsc; nop; nop; nop` runs,
   is rewritten in place to `lfence; rdtsc` (the same six bytes before its `ret`) and runs again,
   then becomes `movl $0x12345678, %eax`, whose `ret` sits where the rewritten routine resumed
   after its rdtsc. Prints the two TSC readings (EDX:EAX) and the last EAX. */
#include "devices/abi/exit_port.h"

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init

    call read_tsc
    movl $first, %esi
    call print_edx_eax

    /* 0f ae e8: lfence; 0f 31: rdtsc */
    movl $0x0fe8ae0f, read_tsc
    movb $0x31, read_tsc + 4
    call read_tsc
    movl $second, %esi
    call print_edx_eax

    /* b8 78 56 34 12: movl $0x12345678, %eax */
    movb $0xb8, read_tsc
    movl $0x12345678, read_tsc + 1
    xorl %edx, %edx
    call read_tsc
    movl $third, %esi
    call print_edx_eax

    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
2:  hlt
    jmp 2b
    .size _start, . - _start

/* Prints the string at ESI, then EDX:EAX in hex and a newline. */
print_edx_eax:
    pushl %eax
    pushl %edx
    call serial_puts
    popl %eax
    call serial_put_hex32
    popl %eax
    call serial_put_hex32
    movl $newline, %esi
    call serial_puts
    ret

read_tsc:
    rdtsc
    nop
    nop
    nop
    ret

    .section .rodata
first:      .asciz "rdtsc_patched: original 0x"
second:     .asciz "rdtsc_patched: lfence 0x"
third:      .asciz "rdtsc_patched: mov 0x"
newline:    .asciz "\n"

    .bss
    .balign 16
    .space 4096
stack_top:
