/* Hostile: slow translations without end. It first runs rdtsc at 16,000 distinct addresses, just
   under the engine's cap on one-instruction code hooks (bounds::kCodeHookSites), so that Unicorn
   holds that many code hooks and checks every instruction it translates against all of them.
   Then every round it writes a new function of nops and a ret into the next slot of a
   STUB_AREA_BYTES area and calls it: every call is a new translation of hundreds of instructions,
   each slow, while the guest runs only three blocks per round (the stores are unrolled: a string
   or loop instruction would be a block per iteration). Never exits. */
#include "tests/guests/hostile_guest.h"
#define SITES 16000
#define STUB_AREA 0x00400000
#define STUB_AREA_BYTES 0x02000000
#define STUB_SLOT 512
#define NOP4 0x90909090
#define RET 0xC3

    HOSTILE_START announce
    .rept SITES
    rdtsc
    .endr
    movl $flooding, %esi
    call serial_puts
    movl $STUB_AREA, %ebx
round:
    .set offset, 0
    .rept STUB_SLOT / 4
    movl $NOP4, offset(%ebx)
    .set offset, offset + 4
    .endr
    movb $RET, STUB_SLOT - 1(%ebx)
    call *%ebx
    addl $STUB_SLOT, %ebx
    cmpl $STUB_AREA + STUB_AREA_BYTES, %ebx
    jb round
    movl $STUB_AREA, %ebx
    jmp round
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "hooked_code_flood: rdtsc at 16,000 addresses, then a new function every call\n"
flooding:
    .asciz "hooked_code_flood: 16,000 rdtsc sites run, flooding new code\n"

    HOSTILE_STACK
