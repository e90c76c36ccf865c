/* A Multiboot kernel that checks the CPU state reset leaves (x87 control word, MXCSR, CPUID) and exits with a bitmask of the checks that failed. */
#include "devices/abi/exit_port.h"

#define CR4_OSFXSR (1 << 9)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)

#define FCW_RESET 0x037F
#define MXCSR_RESET 0x1F80

/* Leaf 1 EDX feature bits (Intel SDM Vol. 2A, CPUID). */
#define EDX_FPU (1 << 0)
#define EDX_PSE (1 << 3)
#define EDX_TSC (1 << 4)
#define EDX_PAE (1 << 6)
#define EDX_PGE (1 << 13)

/* Exit-code bits, one per check. QEMU's (C << 1) | 1 status drops bit 7, so the vendor, which a
   QEMU CPU model may legitimately change, takes it; the failures line prints the whole mask. */
#define FAIL_FCW (1 << 0)
#define FAIL_MXCSR (1 << 1)
#define FAIL_FPU (1 << 2)
#define FAIL_PSE (1 << 3)
#define FAIL_TSC (1 << 4)
#define FAIL_PAE (1 << 5)
#define FAIL_PGE (1 << 6)
#define FAIL_VENDOR (1 << 7)

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    xorl %ebp, %ebp                      /* EBP collects the failure bits */

    /* fnstcw does not initialise the FPU, so it shows the control word exactly as reset left it. */
    fnstcw fcw
    movzwl fcw, %eax
    movl $name_fcw, %esi
    movl $FCW_RESET, %ebx
    movl $FAIL_FCW, %ecx
    call check_equal

    /* stmxcsr raises #UD unless CR4.OSFXSR is set and CR0.EM is clear; neither touches MXCSR. */
    movl %cr0, %eax
    andl $~(CR0_EM | CR0_TS), %eax
    movl %eax, %cr0
    movl %cr4, %eax
    orl $CR4_OSFXSR, %eax
    movl %eax, %cr4
    stmxcsr mxcsr
    movl mxcsr, %eax
    movl $name_mxcsr, %esi
    movl $MXCSR_RESET, %ebx
    movl $FAIL_MXCSR, %ecx
    call check_equal

    movl $1, %eax
    xorl %ecx, %ecx
    cpuid
    movl %edx, leaf1_edx
    movl $name_fpu, %esi
    movl $EDX_FPU, %ebx
    movl $FAIL_FPU, %ecx
    call check_feature
    movl $name_pse, %esi
    movl $EDX_PSE, %ebx
    movl $FAIL_PSE, %ecx
    call check_feature
    movl $name_tsc, %esi
    movl $EDX_TSC, %ebx
    movl $FAIL_TSC, %ecx
    call check_feature
    movl $name_pae, %esi
    movl $EDX_PAE, %ebx
    movl $FAIL_PAE, %ecx
    call check_feature
    movl $name_pge, %esi
    movl $EDX_PGE, %ebx
    movl $FAIL_PGE, %ecx
    call check_feature

    /* Leaf 0 spells the vendor in EBX, EDX, ECX order. */
    xorl %eax, %eax
    xorl %ecx, %ecx
    cpuid
    movl %ebx, vendor
    movl %edx, vendor + 4
    movl %ecx, vendor + 8
    movl $name_vendor, %esi
    call serial_puts
    movl $vendor, %esi
    call serial_puts
    movl $genuine_intel, %esi
    movl $vendor, %edi
    movl $12, %ecx
    cld
    repe cmpsb
    je 1f
    orl $FAIL_VENDOR, %ebp
    movl $verdict_fail, %esi
    jmp 2f
1:  movl $verdict_ok, %esi
2:  call serial_puts

    movl $name_failures, %esi
    call serial_puts
    movl %ebp, %eax
    call serial_put_hex32
    movl $newline, %esi
    call serial_puts

    movl %ebp, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
3:  hlt
    jmp 3b
    .size _start, . - _start

/* check_equal(ESI = line prefix, EAX = value read, EBX = value wanted, ECX = failure bit). */
    .type check_equal, @function
check_equal:
    pushl %ecx
    pushl %ebx
    pushl %eax
    call serial_puts
    movl (%esp), %eax
    call serial_put_hex32
    popl %eax
    popl %ebx
    popl %ecx
    cmpl %ebx, %eax
    je 1f
    orl %ecx, %ebp
    movl $verdict_fail, %esi
    jmp serial_puts
1:  movl $verdict_ok, %esi
    jmp serial_puts
    .size check_equal, . - check_equal

/* check_feature(ESI = line prefix, EBX = leaf 1 EDX bit, ECX = failure bit): prints the bit as 0 or 1. */
    .type check_feature, @function
check_feature:
    pushl %ecx
    call serial_puts
    popl %ecx
    testl %ebx, leaf1_edx
    jz 1f
    movl $present_ok, %esi
    jmp serial_puts
1:  orl %ecx, %ebp
    movl $absent_fail, %esi
    jmp serial_puts
    .size check_feature, . - check_feature

    .section .rodata
genuine_intel: .ascii "GenuineIntel"
name_fcw:      .asciz "cpu_reset: fpu control word 0x"
name_mxcsr:    .asciz "cpu_reset: mxcsr 0x"
name_fpu:      .asciz "cpu_reset: cpuid.1:edx.fpu "
name_pse:      .asciz "cpu_reset: cpuid.1:edx.pse "
name_tsc:      .asciz "cpu_reset: cpuid.1:edx.tsc "
name_pae:      .asciz "cpu_reset: cpuid.1:edx.pae "
name_pge:      .asciz "cpu_reset: cpuid.1:edx.pge "
name_vendor:   .asciz "cpu_reset: cpuid.0 vendor "
name_failures: .asciz "cpu_reset: failures 0x"
verdict_ok:    .asciz " ok\n"
verdict_fail:  .asciz " FAIL\n"
present_ok:    .asciz "1 ok\n"
absent_fail:   .asciz "0 FAIL\n"
newline:       .asciz "\n"

    .data
vendor:  .asciz "????????????"          /* twelve characters and the NUL serial_puts stops at */

    .bss
    .balign 16
fcw:       .space 4
mxcsr:     .space 4
leaf1_edx: .space 4
    .balign 16
    .space 4096
stack_top:
