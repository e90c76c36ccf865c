/* Hostile: new code without end. Every round writes a small function, `mov $round, %eax; ret`,
   into the next 8-byte slot of a STUB_AREA_BYTES area and calls it; once the area is full it
   starts again at its first slot, so every call runs bytes never run before, first at a new
   address and then over code that ran before (self-modifying code). Each is a translation of its
   own for Unicorn and a decoded block of its own for the timing model. Never exits. */
#include "tests/guests/hostile_guest.h"
#define STUB_AREA 0x00400000
#define STUB_AREA_BYTES 0x02000000
#define STUB_SLOT 8
#define MOV_EAX_IMM32 0xB8
#define RET 0xC3

    HOSTILE_START announce
    xorl %ebx, %ebx
    movl $STUB_AREA, %edi
round:
    incl %ebx
    movb $MOV_EAX_IMM32, (%edi)
    movl %ebx, 1(%edi)
    movb $RET, 5(%edi)
    call *%edi
    addl $STUB_SLOT, %edi
    cmpl $STUB_AREA + STUB_AREA_BYTES, %edi
    jb round
    movl $STUB_AREA, %edi
    jmp round
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "code_flood: a new function every call, then the same addresses rewritten\n"

    HOSTILE_STACK
