/* Multiboot v1 entry: build boot page tables, enable paging, jump to the higher half, call kmain. */
#include "arch/multiboot.h"
#include "arch/setup.h"

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
#define BOOT_PT_COUNT (BOOT_MAPPED_BYTES / 0x400000)
#define PTE_PRESENT_RW 0x003
#define KERNEL_PDE_INDEX (PAGE_OFFSET >> 22)
#define STACK_SIZE 16384
#define V2P(x) ((x) - PAGE_OFFSET)

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

    .section .text.entry, "ax"
    .globl _start
_start:
    /* Runs at its physical address with paging off: every symbol reference goes through V2P. */
    cli
    cld
    movl %eax, %esi                     /* Multiboot magic */
    movl %ebx, %edi                     /* physical address of multiboot_info */

    /* The loader zeroes .bss, but the page tables below must not rely on it. */
    movl $V2P(__bss_start), %ebx
1:  movl $0, (%ebx)
    addl $4, %ebx
    cmpl $V2P(__bss_end), %ebx
    jb 1b

    /* One PTE per 4 KiB page of the first BOOT_MAPPED_BYTES, in BOOT_PT_COUNT contiguous tables. */
    movl $V2P(boot_page_tables), %ebx
    movl $PTE_PRESENT_RW, %eax
2:  movl %eax, (%ebx)
    addl $4, %ebx
    addl $4096, %eax
    cmpl $(BOOT_MAPPED_BYTES | PTE_PRESENT_RW), %eax
    jb 2b

    /* The same tables serve the identity map (to survive enabling paging) and PAGE_OFFSET. */
    movl $V2P(boot_page_tables) + PTE_PRESENT_RW, %eax
    xorl %ecx, %ecx
3:  movl %eax, V2P(boot_page_dir)(,%ecx,4)
    movl %eax, V2P(boot_page_dir) + KERNEL_PDE_INDEX * 4(,%ecx,4)
    addl $4096, %eax
    incl %ecx
    cmpl $BOOT_PT_COUNT, %ecx
    jb 3b

    movl $V2P(boot_page_dir), %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax               /* PG | WP: ring 0 honours read-only pages, as Linux does */
    movl %eax, %cr0

    movl $higher_half, %eax
    jmp *%eax

    .text
higher_half:
    movl $boot_stack_top, %esp
    xorl %ebp, %ebp                     /* ends frame-pointer walks */
    pushl %edi
    pushl %esi
    call kmain
    /* kmain never returns; if it does, stop here rather than run off into memory. */
4:  cli
    hlt
    jmp 4b

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl boot_page_dir
boot_page_dir:
    .skip 4096
    .globl boot_page_tables
boot_page_tables:
    .skip 4096 * BOOT_PT_COUNT
boot_stack:
    .skip STACK_SIZE
    .globl boot_stack_top
boot_stack_top:
