/*
 * Interrupts that arrive between chained translation blocks. After one `rdtsc` (which makes the
 * emulator place a code hook), a loop of three blocks linked by direct jumps increments ESI in
 * the first and EDI in the second, and checks in the third that they agree, 2,000,000 times,
 * while an 8254 at ~30 kHz interrupts it hundreds of times. An interrupt that returned to any
 * place but the instruction it interrupted would run an increment twice or skip one. The IRQ0
 * handler counts its calls and saves nothing it does not touch.
 */
#include "devices/abi/exit_port.h"
#include "devices/abi/pic8259.h"
#include "devices/abi/pit8254.h"

#define KERNEL_CS 0x08
#define ITERATIONS 2000000
#define DIVISOR 40
#define INTERRUPTS_WANTED 100

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

    xorl %ecx, %ecx
2:  movl $unexpected, %eax
    call set_gate
    incl %ecx
    cmpl $256, %ecx
    jne 2b
    movl $0x20, %ecx
    movl $irq0, %eax
    call set_gate
    movl $0x27, %ecx
    movl $irq7, %eax
    call set_gate
    lidt idt_desc

    movb $(PIC_ICW1_INIT | PIC_ICW1_ICW4), %al
    outb %al, $PIC_MASTER_CMD
    outb %al, $PIC_SLAVE_CMD
    movb $0x20, %al
    outb %al, $PIC_MASTER_DATA
    movb $0x28, %al
    outb %al, $PIC_SLAVE_DATA
    movb $4, %al
    outb %al, $PIC_MASTER_DATA
    movb $2, %al
    outb %al, $PIC_SLAVE_DATA
    movb $PIC_ICW4_8086, %al
    outb %al, $PIC_MASTER_DATA
    outb %al, $PIC_SLAVE_DATA
    movb $0xfe, %al
    outb %al, $PIC_MASTER_DATA
    movb $0xff, %al
    outb %al, $PIC_SLAVE_DATA
    movb $(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE2), %al
    outb %al, $PIT_MODE
    movw $DIVISOR, %ax
    outb %al, $PIT_CHANNEL0
    movb %ah, %al
    outb %al, $PIT_CHANNEL0

    rdtsc
    movl $ITERATIONS, %ecx
    xorl %esi, %esi
    xorl %edi, %edi
    sti
chain_first:
    incl %esi
    jmp chain_second
chain_second:
    incl %edi
    jmp chain_third
chain_third:
    cmpl %esi, %edi
    jne broken
    decl %ecx
    jnz chain_first
    cli

    cmpl $ITERATIONS, %esi
    jne broken
    movl $msg_agree, %esi
    call serial_puts
    movl $msg_few, %esi
    cmpl $INTERRUPTS_WANTED, ticks
    jb 3f
    movl $msg_many, %esi
3:  call serial_puts
    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
4:  hlt
    jmp 4b
    .size _start, . - _start

broken:
    cli
    movl %esi, %ebx
    movl $msg_broken, %esi
    call serial_puts
    movl %ebx, %eax
    call serial_put_hex32
    movl $msg_edi, %esi
    call serial_puts
    movl %edi, %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    movl $GUEST_EXIT_TEST_FAILED, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
5:  hlt
    jmp 5b

/* set_gate(ECX = vector, EAX = handler): a present ring-0 32-bit interrupt gate. */
set_gate:
    movw %ax, idt(,%ecx,8)
    movw $KERNEL_CS, idt+2(,%ecx,8)
    movw $0x8e00, idt+4(,%ecx,8)
    shrl $16, %eax
    movw %ax, idt+6(,%ecx,8)
    ret

irq0:
    pushl %eax
    incl ticks
    movb $PIC_OCW2_EOI, %al
    outb %al, $PIC_MASTER_CMD
    popl %eax
    iret

irq7:
    iret

unexpected:
    movl $msg_unexpected, %esi
    call serial_puts
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
6:  hlt
    jmp 6b

    .section .rodata
msg_agree: .asciz "irq_block_chain: both counters reached 2000000 together\n"
msg_many: .asciz "irq_block_chain: the loop was interrupted at least 100 times\n"
msg_few: .asciz "irq_block_chain: the loop was interrupted fewer than 100 times\n"
msg_broken: .asciz "irq_block_chain: counters disagree: esi=0x"
msg_edi: .asciz " edi=0x"
msg_nl: .asciz "\n"
msg_unexpected: .asciz "irq_block_chain: unexpected interrupt\n"

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

    .data
ticks: .long 0

    .bss
    .balign 8
idt: .space 256 * 8
    .balign 16
    .space 4096
stack_top:
