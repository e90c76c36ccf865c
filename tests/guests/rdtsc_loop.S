/* Hostile: rdtsc at 16,000 distinct addresses, just under the engine's cap on one-instruction code
   hooks (bounds::kCodeHookSites), run again and again. Every rdtsc that runs makes Unicorn walk
   its whole list of code hooks, so each block of them costs the host milliseconds although no
   new code is translated. Never exits. */
#include "tests/guests/hostile_guest.h"

    RDTSC_SITES_FOREVER 16000, announce

    .section .rodata
announce:
    .asciz "rdtsc_loop: rdtsc at 16,000 addresses, again and again\n"

    HOSTILE_STACK
