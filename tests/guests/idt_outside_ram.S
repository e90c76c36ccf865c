/* Hostile: the IDT lies outside RAM (at 3.5 GiB, where nothing decodes); then a divide error.
   The CPU's read of the gate leaves RAM, and the crash line must say so. */
    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    movl $announce, %esi
    call serial_puts
    lidt idt_outside_ram
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
1:  hlt
    jmp 1b
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "idt_outside_ram: IDT at 0xe0000000, then a divide error\n"
    .balign 4
idt_outside_ram:
    .word 256 * 8 - 1
    .long 0xe0000000

    .bss
    .balign 16
    .space 4096
    .globl stack_top
stack_top:
