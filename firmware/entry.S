/*
 * From the reset vector to C. The CPU starts in real mode at F000:FFF0 (the last 16 bytes of the
 * ROM); we load a flat GDT kept in ROM, set CR0.PE and far-jump into 32-bit code, then set up a
 * stack and .bss in low RAM (the ROM is read-only) and call fw_main. The descriptors have their
 * Accessed bit preset because the CPU would otherwise try to write it into the read-only ROM.
 * Real-mode code addresses ROM labels as offsets in segment F000; the assembler cannot subtract
 * the segment base from a label it has not placed yet, so firmware.ld supplies *_rom_offset.
 */
#include "layout.h"

#define ROM_SEGMENT 0xf000
#define CODE_SELECTOR 0x08
#define DATA_SELECTOR 0x10

    .section .reset, "ax"
    .code16
    .globl reset_vector
reset_vector:
    /* After reset CS's base is 0xffff0000; the far jump moves us to the low alias at 0xf0000. */
    ljmp $ROM_SEGMENT, $real_mode_start_rom_offset

    .section .text16, "ax"
    .code16
    .globl real_mode_start
real_mode_start:
    cli
    cld
    lgdtl %cs:gdt_descriptor_rom_offset
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $CODE_SELECTOR, $protected_mode_start

    .code32
protected_mode_start:
    movw $DATA_SELECTOR, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $STACK_TOP, %esp

    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    call fw_main
1:  cli
    hlt
    jmp 1b

    .section .rodata.gdt, "a"
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff /* CODE_SELECTOR: base 0, limit 4 GiB, 32-bit, execute/read */
    .quad 0x00cf93000000ffff /* DATA_SELECTOR: base 0, limit 4 GiB, read/write */
gdt_end:
    .globl gdt_descriptor
gdt_descriptor:
    .word gdt_end - gdt - 1
    .long gdt

    .section .note.GNU-stack, "", @progbits
