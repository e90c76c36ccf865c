/* The assembly half of a course-style interrupt kernel: a Multiboot header, a flat GDT, an IDT
 * whose vectors 0x20-0x2f (the remapped 8259 pair) call irq_dispatch(irq) in C and whose other
 * vectors end the run with GUEST_EXIT_OOPS, then kernel_main(magic, mbi). Linked first with
 * plain `ld -Ttext 0x100000`, as the tutorials link. */
#include "devices/abi/exit_port.h"

#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define IRQ_BASE_VECTOR 0x20
#define IRQ_STUB_SIZE 16

    .text
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)

    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    movl %eax, %esi
    lgdt gdt_desc
    ljmp $KERNEL_CS, $1f
1:  movw $KERNEL_DS, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss

    xorl %ecx, %ecx
2:  movl $unexpected, %eax
    call set_gate
    incl %ecx
    cmpl $256, %ecx
    jne 2b
    movl $IRQ_BASE_VECTOR, %ecx
    movl $irq_stubs, %edx
3:  movl %edx, %eax
    call set_gate
    addl $IRQ_STUB_SIZE, %edx
    incl %ecx
    cmpl $(IRQ_BASE_VECTOR + 16), %ecx
    jne 3b
    lidt idt_desc

    pushl %ebx
    pushl %esi
    call kernel_main
    cli
4:  hlt
    jmp 4b
    .size _start, . - _start

/* set_gate(ECX = vector, EAX = handler): a present ring-0 32-bit interrupt gate. */
set_gate:
    movw %ax, idt(,%ecx,8)
    movw $KERNEL_CS, idt+2(,%ecx,8)
    movw $0x8e00, idt+4(,%ecx,8)
    shrl $16, %eax
    movw %ax, idt+6(,%ecx,8)
    ret

    .balign IRQ_STUB_SIZE
irq_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .balign IRQ_STUB_SIZE
    pushl $\n
    jmp irq_common
    .endr

irq_common:
    pushal
    cld
    pushl 32(%esp)
    call irq_dispatch
    addl $4, %esp
    popal
    addl $4, %esp
    iret

unexpected:
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
5:  hlt
    jmp 5b

    .section .rodata
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long idt

    .bss
    .balign 8
idt:
    .space 256 * 8
    .balign 16
    .space 16384
stack_top:

.section .note.GNU-stack,"",@progbits
