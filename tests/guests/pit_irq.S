/*
 * A course-style timer kernel: remap the 8259 pair to vectors 0x20-0x2f, program the 8254 for
 * 100 Hz (mode 3, divisor 11932), install an IDT, and sleep in `sti; hlt` until 50 ticks have
 * arrived. The IRQ0 handler counts ticks and acknowledges with a non-specific EOI, as every
 * tutorial's does; it also reads the in-service register once to show IRQ0 is in service.
 * Ends with exit code 0 through the exit port, or with `cli; hlt` when the command line says
 * `end=hlt`.
 */
#include "devices/abi/exit_port.h"
#include "devices/abi/pic8259.h"
#include "devices/abi/pit8254.h"

#define MB_INFO_CMDLINE_OFF 16
#define TICKS_WANTED 50
#define DIVISOR_100HZ 11932
#define KERNEL_CS 0x08

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    movl 16(%ebx), %eax
    movl %eax, cmdline
    call serial_init
    lgdt gdt_desc
    ljmp $KERNEL_CS, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss

    /* 256 gates, all pointing at the catch-all; then the timer and the spurious IRQ7. */
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

    /* ICW1-ICW4 to both chips, then mask everything but IRQ0 (and the cascade). */
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
    movb $0xfa, %al
    outb %al, $PIC_MASTER_DATA
    movb $0xff, %al
    outb %al, $PIC_SLAVE_DATA
    movl $msg_pic, %esi
    call serial_puts

    movb $(PIT_SEL_CHANNEL0 | PIT_ACCESS_WORD | PIT_MODE3), %al
    outb %al, $PIT_MODE
    movw $DIVISOR_100HZ, %ax
    outb %al, $PIT_CHANNEL0
    movb %ah, %al
    outb %al, $PIT_CHANNEL0
    movl $msg_pit, %esi
    call serial_puts

wait:
    sti
    hlt
    cli
    movl ticks, %eax
    cmpl $TICKS_WANTED, %eax
    jb wait

    movl $msg_done, %esi
    call serial_puts
    movl ticks, %eax
    call serial_put_hex32
    movl $msg_isr, %esi
    call serial_puts
    movl isr_seen, %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts

    movl cmdline, %esi
3:  cmpb $0, (%esi)
    je exit
    cmpl $0x3d646e65, (%esi)   /* "end=" */
    je halt
    incl %esi
    jmp 3b
halt:
    movl $msg_halt, %esi
    call serial_puts
    cli
    hlt
exit:
    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
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

irq0:
    pushal
    incl ticks
    cmpl $1, ticks
    jne 1f
    movb $PIC_OCW3_READ_ISR, %al
    outb %al, $PIC_MASTER_CMD
    inb $PIC_MASTER_CMD, %al
    movzbl %al, %eax
    movl %eax, isr_seen
    movb $PIC_OCW3_READ_IRR, %al
    outb %al, $PIC_MASTER_CMD
1:  movb $PIC_OCW2_EOI, %al
    outb %al, $PIC_MASTER_CMD
    popal
    iret

/* A spurious IRQ7 is not in service: no EOI. */
irq7:
    iret

unexpected:
    movl $msg_unexpected, %esi
    call serial_puts
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
5:  hlt
    jmp 5b

    .section .rodata
msg_pic: .asciz "pit_irq: PICs remapped to 0x20/0x28, only IRQ0 unmasked\n"
msg_pit: .asciz "pit_irq: PIT channel 0 at 100 Hz, sleeping in sti; hlt\n"
msg_done: .asciz "pit_irq: ticks=0x"
msg_isr: .asciz " isr_in_handler=0x"
msg_nl: .asciz "\n"
msg_halt: .asciz "pit_irq: ending with cli; hlt\n"
msg_unexpected: .asciz "pit_irq: unexpected interrupt\n"

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
isr_seen: .long 0
cmdline: .long 0

    .bss
    .balign 8
idt: .space 256 * 8
    .balign 16
    .space 4096
stack_top:
