/* Entry stubs for vectors IRQ_BASE_VECTOR..+15: a frame like an exception's, through trap_common. */
#include "arch/irq.h"

#define IRQ_STUB(n)                    \
    .balign 16;                        \
irq_stub_##n:                          \
    pushl $0;                          \
    pushl $(IRQ_BASE_VECTOR + (n));    \
    jmp trap_common

    .text
IRQ_STUB(0)
IRQ_STUB(1)
IRQ_STUB(2)
IRQ_STUB(3)
IRQ_STUB(4)
IRQ_STUB(5)
IRQ_STUB(6)
IRQ_STUB(7)
IRQ_STUB(8)
IRQ_STUB(9)
IRQ_STUB(10)
IRQ_STUB(11)
IRQ_STUB(12)
IRQ_STUB(13)
IRQ_STUB(14)
IRQ_STUB(15)

    .section .rodata
    .balign 4
    .globl irq_stubs
irq_stubs:
    .long irq_stub_0, irq_stub_1, irq_stub_2, irq_stub_3
    .long irq_stub_4, irq_stub_5, irq_stub_6, irq_stub_7
    .long irq_stub_8, irq_stub_9, irq_stub_10, irq_stub_11
    .long irq_stub_12, irq_stub_13, irq_stub_14, irq_stub_15
