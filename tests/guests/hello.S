/* A third-party-style Multiboot kernel: greet on COM1, exit with `exit=N` from the command line (default 42). */
#include "devices/abi/exit_port.h"

#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_CMDLINE 0x4   /* multiboot_info.flags bit: cmdline is valid */
#define MB_INFO_CMDLINE_OFF 16
#define DEFAULT_EXIT_CODE 42
#define NO_LOADER_EXIT_CODE 99 /* a loader that is not Multiboot: a code no test asks for */

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    movl %eax, %edi
    call serial_init
    cmpl $MB_BOOT_MAGIC, %edi
    jne not_multiboot
    movl $greeting, %esi
    call serial_puts

    /* Trust EBX only now that EAX proved a Multiboot loader put it there. */
    movl $DEFAULT_EXIT_CODE, %ecx
    testl $MB_INFO_CMDLINE, (%ebx)
    jz leave
    movl MB_INFO_CMDLINE_OFF(%ebx), %esi
find:
    cmpb $0, (%esi)
    je leave
    cmpl $0x74697865, (%esi)            /* "exit" */
    jne next
    cmpb $'=', 4(%esi)
    je parse
next:
    incl %esi
    jmp find
parse:
    addl $5, %esi
    xorl %ecx, %ecx
digit:
    movzbl (%esi), %eax
    subl $'0', %eax
    cmpl $9, %eax
    ja leave
    imull $10, %ecx
    addl %eax, %ecx
    incl %esi
    jmp digit

not_multiboot:
    movl $no_loader, %esi
    call serial_puts
    movl $NO_LOADER_EXIT_CODE, %ecx
leave:
    movl %ecx, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b
    .size _start, . - _start

    .section .rodata
greeting:
    .asciz "hello: a third-party Multiboot kernel is running\n"
no_loader:
    .asciz "hello: not started by a Multiboot loader\n"

    .bss
    .balign 16
    .space 4096
stack_top:
