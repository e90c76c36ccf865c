/* Exception entry stubs: make every vector's stack look alike, then call trap_dispatch. */
#include "arch/gdt.h"

/* Vectors for which the CPU pushes an error code; the others get a 0 so the frame is uniform. */
#define TRAP_NOERR(n)          \
    .balign 16;                \
trap_stub_##n:                 \
    pushl $0;                  \
    pushl $(n);                \
    jmp trap_common

#define TRAP_ERR(n)            \
    .balign 16;                \
trap_stub_##n:                 \
    pushl $(n);                \
    jmp trap_common

    .text
TRAP_NOERR(0)
TRAP_NOERR(1)
TRAP_NOERR(2)
TRAP_NOERR(3)
TRAP_NOERR(4)
TRAP_NOERR(5)
TRAP_NOERR(6)
TRAP_NOERR(7)
TRAP_ERR(8)
TRAP_NOERR(9)
TRAP_ERR(10)
TRAP_ERR(11)
TRAP_ERR(12)
TRAP_ERR(13)
TRAP_ERR(14)
TRAP_NOERR(15)
TRAP_NOERR(16)
TRAP_ERR(17)
TRAP_NOERR(18)
TRAP_NOERR(19)
TRAP_NOERR(20)
TRAP_ERR(21)
TRAP_NOERR(22)
TRAP_NOERR(23)
TRAP_NOERR(24)
TRAP_NOERR(25)
TRAP_NOERR(26)
TRAP_NOERR(27)
TRAP_NOERR(28)
TRAP_ERR(29)
TRAP_ERR(30)
TRAP_NOERR(31)

/* Builds struct trap_frame (arch/traps.h) below the vector and error code; the IRQ stubs
 * (irqentry.S) come here too. */
    .globl trap_common
trap_common:
    pushl %es
    pushl %ds
    pushal
    movw $KERNEL_DS, %ax
    movw %ax, %ds
    movw %ax, %es
    pushl %esp
    call trap_dispatch
    addl $4, %esp
    popal
    popl %ds
    popl %es
    addl $8, %esp                       /* vector and error code */
    iret

    .section .rodata
    .balign 4
    .globl trap_stubs
trap_stubs:
    .long trap_stub_0, trap_stub_1, trap_stub_2, trap_stub_3
    .long trap_stub_4, trap_stub_5, trap_stub_6, trap_stub_7
    .long trap_stub_8, trap_stub_9, trap_stub_10, trap_stub_11
    .long trap_stub_12, trap_stub_13, trap_stub_14, trap_stub_15
    .long trap_stub_16, trap_stub_17, trap_stub_18, trap_stub_19
    .long trap_stub_20, trap_stub_21, trap_stub_22, trap_stub_23
    .long trap_stub_24, trap_stub_25, trap_stub_26, trap_stub_27
    .long trap_stub_28, trap_stub_29, trap_stub_30, trap_stub_31
