/*
 * A course-style user-mode kernel: a GDT with ring-3 segments and a TSS, an IDT whose system-call
 * gate (0x80) has DPL 3 and whose 0x81 gate has DPL 0, 4 MiB pages with the second 4 MiB kept for
 * the supervisor, and a 1 kHz timer. It enters ring 3 with iret; the user program makes system
 * calls, executes int 0x81 (#GP), reads a supervisor page and writes an absent one (#PF), and
 * spins until three timer interrupts have arrived while it ran. Every handler checks the frame
 * the CPU built on the TSS's ring-0 stack and prints what it saw.
 */
#include "devices/abi/exit_port.h"
#include "devices/abi/pic8259.h"
#include "devices/abi/pit8254.h"

#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1b
#define UDATA 0x23
#define TSS_SEL 0x28
#define INTERRUPT_GATE 0x8e00
#define USER_INTERRUPT_GATE 0xee00
/* From ring 3 the CPU pushes SS, ESP, EFLAGS, CS, EIP on the TSS stack. */
#define USER_FRAME 20
#define SUPERVISOR_PAGE 0x00400000
#define ABSENT_PAGE 0x00800000
#define DIVISOR_1KHZ 1193

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $kstack_top, %esp
    call serial_init
    lgdt gdt_desc
    ljmp $KCODE, $1f
1:  movw $KDATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs

    movl $tss, %eax
    movw %ax, gdt_tss + 2
    shrl $16, %eax
    movb %al, gdt_tss + 4
    movb %ah, gdt_tss + 7
    movl $kstack_top, tss + 4
    movl $KDATA, tss + 8
    movw $TSS_SEL, %ax
    ltr %ax

    xorl %ecx, %ecx
2:  movl $unexpected, %eax
    movl $INTERRUPT_GATE, %edx
    call set_gate
    incl %ecx
    cmpl $256, %ecx
    jne 2b
    movl $13, %ecx
    movl $gp_handler, %eax
    call set_gate
    movl $14, %ecx
    movl $pf_handler, %eax
    call set_gate
    movl $0x20, %ecx
    movl $irq0, %eax
    call set_gate
    movl $0x81, %ecx
    movl $syscall, %eax
    call set_gate
    movl $0x80, %ecx
    movl $syscall, %eax
    movl $USER_INTERRUPT_GATE, %edx
    call set_gate
    lidt idt_desc

    movl %cr4, %eax
    orl $0x10, %eax              /* PSE */
    movl %eax, %cr4
    movl $page_directory, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax
    movl %eax, %cr0

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
    movw $DIVISOR_1KHZ, %ax
    outb %al, $PIT_CHANNEL0
    movb %ah, %al
    outb %al, $PIT_CHANNEL0

    movl $msg_enter, %esi
    call serial_puts
    pushl $UDATA
    pushl $ustack_top
    pushl $0x202                 /* IF set: the timer interrupts user mode */
    pushl $UCODE
    pushl $user_main
    iret
    .size _start, . - _start

/* set_gate(ECX = vector, EAX = handler, DX = type and DPL bits). */
set_gate:
    movw %ax, idt(,%ecx,8)
    movw $KCODE, idt+2(,%ecx,8)
    movw %dx, idt+4(,%ecx,8)
    shrl $16, %eax
    movw %ax, idt+6(,%ecx,8)
    ret

/* check_user_frame(EAX = ESP at handler entry): counts frames not where the TSS says. */
check_user_frame:
    cmpl $(kstack_top - USER_FRAME), %eax
    je 1f
    incl bad_frames
1:  ret

syscall:
    movl %esp, entry_esp
    pushal
    movl entry_esp, %eax
    call check_user_frame
    movl 28(%esp), %eax          /* the caller's EAX */
    cmpl $1, %eax
    je sys_write
    cmpl $2, %eax
    je sys_exit
    cmpl $3, %eax
    je sys_ticks
    jmp sys_done
sys_write:
    movl $msg_user, %esi
    call serial_puts
    movl 16(%esp), %esi          /* the caller's EBX */
    call serial_puts
    movl $msg_cs, %esi
    call serial_puts
    movl 32 + 4(%esp), %eax
    call serial_put_hex32
    movl $msg_ss, %esi
    call serial_puts
    movl 32 + 16(%esp), %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    jmp sys_done
sys_ticks:
    movl $msg_ticks, %esi
    call serial_puts
    movl bad_frames, %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    jmp sys_done
sys_exit:
    movl $msg_exit, %esi
    call serial_puts
    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b
sys_done:
    popal
    iret

gp_handler:
    pushal
    movl $msg_gp, %esi
    call serial_puts
    movl 32(%esp), %eax
    call serial_put_hex32
    movl $msg_cs, %esi
    call serial_puts
    movl 32 + 8(%esp), %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    addl $2, 32 + 4(%esp)        /* the #GP points at the two-byte int 0x81: skip it */
    popal
    addl $4, %esp
    iret

pf_handler:
    pushal
    movl $msg_pf, %esi
    call serial_puts
    movl 32(%esp), %eax
    call serial_put_hex32
    movl $msg_cr2, %esi
    call serial_puts
    movl %cr2, %eax
    call serial_put_hex32
    movl $msg_cs, %esi
    call serial_puts
    movl 32 + 8(%esp), %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    addl $5, 32 + 4(%esp)        /* past the five-byte moffs32 move */
    popal
    addl $4, %esp
    iret

irq0:
    movl %esp, entry_esp
    pushal
    cmpl $UCODE, 32 + 4(%esp)
    jne 1f
    incl user_ticks
    movl entry_esp, %eax
    call check_user_frame
1:  movb $PIC_OCW2_EOI, %al
    outb %al, $PIC_MASTER_CMD
    popal
    iret

unexpected:
    movl $msg_unexpected, %esi
    call serial_puts
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

/* Ring 3 from here on. */
user_main:
    movw $UDATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movl $1, %eax
    movl $msg_hello, %ebx
    int $0x80
    int $0x81
    movl SUPERVISOR_PAGE, %eax
    movl %eax, ABSENT_PAGE
1:  cmpl $3, user_ticks
    jb 1b
    movl $3, %eax
    int $0x80
    movl $2, %eax
    int $0x80
2:  jmp 2b

    .section .rodata
msg_enter: .asciz "ring3: entering user mode with iret\n"
msg_user: .asciz "ring3: "
msg_hello: .asciz "user mode says hello through int 0x80"
msg_cs: .asciz " cs=0x"
msg_ss: .asciz " ss=0x"
msg_nl: .asciz "\n"
msg_gp: .asciz "ring3: #GP error=0x"
msg_pf: .asciz "ring3: #PF error=0x"
msg_cr2: .asciz " cr2=0x"
msg_ticks: .asciz "ring3: three timer interrupts arrived in user mode; frames not on the TSS stack: 0x"
msg_exit: .asciz "ring3: exit system call\n"
msg_unexpected: .asciz "ring3: unexpected interrupt\n"

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff     /* 0x08: ring-0 code */
    .quad 0x00cf92000000ffff     /* 0x10: ring-0 data */
    .quad 0x00cffa000000ffff     /* 0x18: ring-3 code */
    .quad 0x00cff2000000ffff     /* 0x20: ring-3 data */
gdt_tss:
    .word 104 - 1, 0
    .byte 0, 0x89, 0x00, 0       /* 32-bit available TSS; base filled in at boot */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long idt
user_ticks: .long 0
bad_frames: .long 0
entry_esp: .long 0

    .balign 4096
page_directory:
    .long 0x00000087             /* 0-4 MiB: present, writable, user, 4 MiB page */
    .long 0x00400083             /* 4-8 MiB: present, writable, supervisor only */
    .fill 1022, 4, 0             /* 8 MiB up: not present */

    .bss
    .balign 8
idt: .space 256 * 8
tss: .space 104
    .balign 16
    .space 4096
kstack_top:
    .space 4096
ustack_top:
