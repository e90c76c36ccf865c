/*
 * Linux's way into and out of the kernel on a CPU with SEP: the GDT, IDT and TSS on
 * supervisor-only pages (4 KiB pages; only the user program's page is user-accessible), the
 * IA32_SYSENTER_CS/ESP/EIP MSRs set, and ring 3 entered with iret. The user program loads GS from
 * the GDT (a supervisor read the CPU makes at CPL 3), makes a SYSENTER system call, which the
 * kernel checks (CS, SS, ESP from the MSRs, IF clear) and answers with SYSEXIT after reloading CR3,
 * and then calls int 0x80, whose delivery must read the GDT and TSS again with an empty TLB.
 */
#include "devices/abi/exit_port.h"
#include "devices/abi/pic8259.h"

#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1b
#define UDATA 0x23
#define TSS_SEL 0x28
#define INTERRUPT_GATE 0x8e00
#define USER_INTERRUPT_GATE 0xee00
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define PTE_PRESENT_WRITABLE 0x003
#define PTE_USER 0x004
#define EFLAGS_IF 0x200

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
    movl $14, %ecx
    movl $pf_handler, %eax
    call set_gate
    movl $0x80, %ecx
    movl $int80, %eax
    movl $USER_INTERRUPT_GATE, %edx
    call set_gate
    lidt idt_desc

    /* The first 4 MiB mapped 1:1 with 4 KiB pages, supervisor-only but for the user program. */
    xorl %ecx, %ecx
3:  movl %ecx, %eax
    shll $12, %eax
    movl %eax, %edx
    orl $PTE_PRESENT_WRITABLE, %edx
    cmpl $user_start, %eax
    jb 4f
    cmpl $user_end, %eax
    jae 4f
    orl $PTE_USER, %edx
4:  movl %edx, page_table(,%ecx,4)
    incl %ecx
    cmpl $1024, %ecx
    jne 3b
    movl $page_table, %eax
    orl $(PTE_PRESENT_WRITABLE | PTE_USER), %eax
    movl %eax, page_directory
    movl $page_directory, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax
    movl %eax, %cr0

    /* No device interrupts: this kernel has no handlers for them. */
    movb $0xff, %al
    outb %al, $PIC_MASTER_DATA
    outb %al, $PIC_SLAVE_DATA

    movl $MSR_SYSENTER_CS, %ecx
    movl $KCODE, %eax
    xorl %edx, %edx
    wrmsr
    movl $MSR_SYSENTER_ESP, %ecx
    movl $sysenter_stack_top, %eax
    wrmsr
    movl $MSR_SYSENTER_EIP, %ecx
    movl $sysenter_entry, %eax
    wrmsr

    movl $msg_enter, %esi
    call serial_puts
    pushl $UDATA
    pushl $ustack_top
    pushl $0x202
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

/* SYSENTER lands here: CS and SS from IA32_SYSENTER_CS, ESP from IA32_SYSENTER_ESP, IF clear. */
sysenter_entry:
    movl %esp, entry_esp
    pushfl
    popl entry_eflags
    pushl %ecx
    pushl %edx
    movl $msg_sysenter, %esi
    call serial_puts
    movl %cs, %eax
    call serial_put_hex32
    movl $msg_ss, %esi
    call serial_puts
    movl %ss, %eax
    call serial_put_hex32
    movl $msg_esp, %esi
    call serial_puts
    movl $msg_no, %esi
    cmpl $sysenter_stack_top, entry_esp
    jne 1f
    movl $msg_yes, %esi
1:  call serial_puts
    movl $msg_if, %esi
    call serial_puts
    movl entry_eflags, %eax
    andl $EFLAGS_IF, %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    /* Drop every translation before going back, so the next entry reads the tables afresh. */
    movl %cr3, %eax
    movl %eax, %cr3
    popl %edx
    popl %ecx
    sti
    sysexit

int80:
    pushal
    cmpl $2, 28(%esp)            /* the caller's EAX */
    je exit_call
    movl $msg_int80, %esi
    call serial_puts
    movl 32 + 4(%esp), %eax
    call serial_put_hex32
    movl $msg_gs, %esi
    call serial_puts
    movl 16(%esp), %eax          /* the caller's EBX: its GS */
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    popal
    iret
exit_call:
    movl $msg_exit, %esi
    call serial_puts
    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

pf_handler:
    movl $msg_pf, %esi
    call serial_puts
    movl (%esp), %eax
    call serial_put_hex32
    movl $msg_cr2, %esi
    call serial_puts
    movl %cr2, %eax
    call serial_put_hex32
    movl $msg_nl, %esi
    call serial_puts
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

unexpected:
    movl $msg_unexpected, %esi
    call serial_puts
    movl $GUEST_EXIT_OOPS, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

/* Ring 3: the only user-accessible page. */
    .balign 4096
user_start:
user_main:
    movw $UDATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %gs
    movl %esp, %ecx
    movl $after_sysenter, %edx
    movl $1, %eax
    sysenter
after_sysenter:
    movl %gs, %ebx
    movl $1, %eax
    int $0x80
    movl $2, %eax
    int $0x80
1:  jmp 1b
    .balign 16
    .space 1024
ustack_top:
    .balign 4096
user_end:

    .section .rodata
msg_enter: .asciz "sysenter: entering user mode with iret\n"
msg_sysenter: .asciz "sysenter: kernel entered with cs=0x"
msg_ss: .asciz " ss=0x"
msg_esp: .asciz " esp from the MSR: "
msg_yes: .asciz "yes"
msg_no: .asciz "no"
msg_if: .asciz " if=0x"
msg_int80: .asciz "sysenter: back in user mode after sysexit; int 0x80 from cs=0x"
msg_gs: .asciz " gs=0x"
msg_nl: .asciz "\n"
msg_exit: .asciz "sysenter: exit system call\n"
msg_pf: .asciz "sysenter: #PF error=0x"
msg_cr2: .asciz " cr2=0x"
msg_unexpected: .asciz "sysenter: unexpected interrupt\n"

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
    .byte 0, 0x89, 0x00, 0
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
idt_desc:
    .word 256 * 8 - 1
    .long idt
entry_esp: .long 0
entry_eflags: .long 0

    .bss
    .balign 4096
page_directory: .space 4096
page_table: .space 4096
idt: .space 256 * 8
tss: .space 104
    .balign 16
    .space 4096
kstack_top:
    .space 1024
sysenter_stack_top:
