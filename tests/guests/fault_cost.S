/*
 * What exceptions cost on the modelled clock: 1000 `int $0x80` to a handler that only irets, then
 * 1000 divide errors raised in the middle of a block that would go on with eight multiplies; the
 * #DE handler resumes past them, so they never run. Prints
 * the two TSC deltas:
 *   fault_cost: int 0x<delta>
 *   fault_cost: fault 0x<delta>
 */
#include "devices/abi/exit_port.h"

#define KERNEL_CS 0x08
#define ROUNDS 1000

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    lgdt gdt_desc
    ljmp $KERNEL_CS, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $0, %ecx
    movl $divide_error, %eax
    call set_gate
    movl $0x80, %ecx
    movl $software_int, %eax
    call set_gate
    lidt idt_desc

    rdtsc
    movl %eax, %esi
    movl %edx, %edi
    movl $ROUNDS, %ecx
2:  int $0x80
    decl %ecx
    jnz 2b
    rdtsc
    movl $msg_int, %ebp
    call print_delta

    xorl %ebx, %ebx
    rdtsc
    movl %eax, %esi
    movl %edx, %edi
    movl $ROUNDS, %ecx
3:  xorl %edx, %edx
    movl $1, %eax
    divl %ebx
    .rept 8
    imull %eax, %eax
    .endr
    .globl resume
resume:
    decl %ecx
    jnz 3b
    rdtsc
    movl $msg_fault, %ebp
    call print_delta

    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
4:  hlt
    jmp 4b
    .size _start, . - _start

/* print_delta(EDX:EAX = now, EDI:ESI = start, EBP = label) */
print_delta:
    subl %esi, %eax
    sbbl %edi, %edx
    pushl %eax
    pushl %edx
    movl %ebp, %esi
    call serial_puts
    popl %eax
    call serial_put_hex32
    popl %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    ret

/* set_gate(ECX = vector, EAX = handler): a present ring-0 32-bit interrupt gate. */
set_gate:
    movw %ax, idt(,%ecx,8)
    movw $KERNEL_CS, idt+2(,%ecx,8)
    movw $0x8e00, idt+4(,%ecx,8)
    shrl $16, %eax
    movw %ax, idt+6(,%ecx,8)
    ret

software_int:
    iret

/* #DE: resume after the multiplies that follow the divide. */
divide_error:
    movl $resume, (%esp)
    iret

    .section .rodata
msg_int: .asciz "fault_cost: int 0x"
msg_fault: .asciz "fault_cost: fault 0x"
msg_nl: .asciz "\n"

    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff   /* 0x08: ring-0 code, flat */
    .quad 0x00cf92000000ffff   /* 0x10: ring-0 data, flat */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long idt

    .bss
    .balign 8
idt: .space 256 * 8
    .balign 16
    .space 4096
stack_top:
