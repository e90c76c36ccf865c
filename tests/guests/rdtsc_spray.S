/* Hostile: rdtsc at 20,000 distinct addresses, run again and again. The engine hooks every rdtsc
   it runs (the guest must read the modelled clock, not the host's), and each hook is one more
   entry in the list Unicorn checks every instruction it translates against. Never exits. */
#include "tests/guests/hostile_guest.h"
#define SITES 20000

    HOSTILE_START announce
spray:
    .rept SITES
    rdtsc
    .endr
    jmp spray
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "rdtsc_spray: rdtsc at 20,000 addresses, again and again\n"

    HOSTILE_STACK
