/* A guest that triple faults: with an empty IDT, #DE cannot be delivered, nor the #GP, nor the #DF. */
    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    movl $announce, %esi
    call serial_puts
    lidt empty_idt
    call divide_by_zero
1:  hlt
    jmp 1b
    .size _start, . - _start

    .globl divide_by_zero
    .type divide_by_zero, @function
divide_by_zero:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    ret
    .size divide_by_zero, . - divide_by_zero

    .section .rodata
announce:
    .asciz "triple: loading an empty IDT, then dividing by zero\n"
    .balign 4
empty_idt:
    .word 0
    .long 0

    .bss
    .balign 16
    .space 4096
stack_top:
