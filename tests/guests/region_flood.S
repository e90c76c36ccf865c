/* Hostile: grows every region structure the host keeps. The first DEEP_ROUNDS rounds begin
   "deep" and never end it; every later one begins and ends a region with a new name (a counter
   in hex). Every round also ends a region that was never begun. So nesting, names and
   region_mismatch faults all grow without end. Never exits. */
#include "tests/guests/hostile_guest.h"
#include "devices/abi/magic_ops.h"

#define DEEP_ROUNDS 300

    HOSTILE_START announce
    xorl %ebx, %ebx
round:
    incl %ebx
    movl %ebx, %eax
    movl $name + 15, %edi
    movl $8, %ecx
1:  decl %edi
    movl %eax, %edx
    andl $0xf, %edx
    movb hex(%edx), %dl
    movb %dl, (%edi)
    shrl $4, %eax
    loop 1b
    movl $name, %eax
    cmpl $DEEP_ROUNDS, %ebx
    ja 2f
    movl $deep, %eax
2:  movw $ROI_BEGIN_PORT, %dx
    outl %eax, %dx
    cmpl $DEEP_ROUNDS, %ebx
    jbe 3f
    movw $ROI_END_PORT, %dx
    outl %eax, %dx
3:  movl $never_begun, %eax
    movw $ROI_END_PORT, %dx
    outl %eax, %dx
    jmp round
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "region_flood: new region names, unmatched ends, unbounded nesting\n"
hex:
    .ascii "0123456789abcdef"
never_begun:
    .asciz "never_begun"
deep:
    .asciz "deep"

    .data
name:
    .asciz "region_00000000"

    HOSTILE_STACK
