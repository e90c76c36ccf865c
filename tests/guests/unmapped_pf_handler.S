/* Hostile: the page-fault handler (and the double-fault one) is itself on a not-present page.
   Every delivery faults again on fetching the handler, so no instruction ever completes; only the limits end it. */
#define PG_4M_PRESENT_RW 0x083
#define CR4_PSE 0x10
#define CR0_PG 0x80000000
#define UNMAPPED_HANDLER 0x40000000   /* its page-directory entry stays not present */
#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define FALLING_STACK_TOP 0x03000000   /* 48 MiB: inside the RAM of the 64 MiB board the tests use */

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    movl $announce, %esi
    call serial_puts
    lgdt gdt_descriptor
    ljmp $KERNEL_CS, $1f
1:  movw $KERNEL_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    /* #DF and every fault a failed delivery can raise go to the same unmapped handler. */
    movl $idt + 8 * 8, %edi
    movl $7, %ecx
2:  movl $(UNMAPPED_HANDLER & 0xffff) | (KERNEL_CS << 16), (%edi)
    movl $(UNMAPPED_HANDLER & 0xffff0000) | 0x8e00, 4(%edi)
    addl $8, %edi
    loop 2b
    lidt idt_descriptor
    /* The first 256 MiB identity-mapped, the stack high in RAM: the frames pushed by each
       failed delivery have a long way to fall before they reach anything that stops them. */
    movl $page_directory, %edi
    movl $PG_4M_PRESENT_RW, %eax
    movl $64, %ecx
3:  movl %eax, (%edi)
    addl $4, %edi
    addl $0x400000, %eax
    loop 3b
    movl $FALLING_STACK_TOP, %esp
    movl %cr4, %eax
    orl $CR4_PSE, %eax
    movl %eax, %cr4
    movl $page_directory, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $CR0_PG, %eax
    movl %eax, %cr0
    .globl touch_unmapped
touch_unmapped:
    movl UNMAPPED_HANDLER, %eax
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "unmapped_pf_handler: faulting with a handler on a not-present page\n"
    .balign 8
gdt:
    .quad 0
    .quad 0
    .quad 0x00cf9a000000ffff   /* 0x10: flat 32-bit code */
    .quad 0x00cf92000000ffff   /* 0x18: flat 32-bit data */
gdt_end:
gdt_descriptor:
    .word gdt_end - gdt - 1
    .long gdt
idt_descriptor:
    .word 256 * 8 - 1
    .long idt

    .bss
    .balign 4096
page_directory:
    .space 4096
idt:
    .space 256 * 8
    .balign 16
    .space 4096
stack_top:
