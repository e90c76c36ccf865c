/* Hostile: rdtsc at 20,000 distinct addresses, past the engine's cap on one-instruction code hooks
   (bounds::kCodeHookSites): each hook is one more entry in the list Unicorn checks every
   instruction it translates against. Never exits. */
#include "tests/guests/hostile_guest.h"

    RDTSC_SITES_FOREVER 20000, announce

    .section .rodata
announce:
    .asciz "rdtsc_spray: rdtsc at 20,000 addresses, again and again\n"

    HOSTILE_STACK
