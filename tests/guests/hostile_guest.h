/* What the hostile guests of tests/cli/hostile_guest_test.cpp share (the tutorial-style guests
   keep their own start-up on purpose). Each links multiboot_header.o and serial.o. */
#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEMORY 0x1        /* multiboot_info.flags bit: mem_lower/mem_upper are valid */
#define MB_INFO_MEM_UPPER_OFF 8   /* KiB of RAM from 1 MiB up */
#define PAGE_SIZE 4096

/* The entry point: interrupts off, the guest's own stack, COM1 set up and `announcement` (a
   NUL-terminated line) sent. The loader's EAX is kept in EDI for TOUCH_ALL_RAM. */
    .macro HOSTILE_START announcement
    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    movl %eax, %edi
    call serial_init
    movl $\announcement, %esi
    call serial_puts
    .endm

/* Writes a word into every page of RAM above the guest's stack, so that all of it is resident on
   the host; without a Multiboot memory map (EDI is not the loader's magic) it touches nothing.
   Uses EAX and ECX; EBX is the Multiboot information. */
    .macro TOUCH_ALL_RAM
    cmpl $MB_BOOT_MAGIC, %edi
    jne 2f
    testl $MB_INFO_MEMORY, (%ebx)
    jz 2f
    movl MB_INFO_MEM_UPPER_OFF(%ebx), %ecx
    shll $10, %ecx
    addl $0x100000, %ecx
    movl $stack_top, %eax
1:  movl %eax, (%eax)
    addl $PAGE_SIZE, %eax
    cmpl %ecx, %eax
    jb 1b
2:
    .endm

/* The 4 KiB stack HOSTILE_START points ESP at. */
    .macro HOSTILE_STACK
    .bss
    .balign 16
    .space 4096
stack_top:
    .endm

/* rdtsc at `sites` distinct addresses, run again and again: each is a code hook of the engine's
   (the guest must read the modelled clock, not the host's). `announcement` as HOSTILE_START. */
    .macro RDTSC_SITES_FOREVER sites, announcement
    HOSTILE_START \announcement
1:
    .rept \sites
    rdtsc
    .endr
    jmp 1b
    .size _start, . - _start
    .endm
