/* A guest that never exits: announces itself, then spins on one instruction forever. */
    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    movl $announce, %esi
    call serial_puts
    .globl spin
spin:
    jmp spin
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "runaway: spinning forever\n"

    .bss
    .balign 16
    .space 4096
stack_top:
