/* Hostile: paging stays off while the guest rewrites the word at physical 0 between data accesses
   elsewhere. With no page tables there is no PTE to go stale: the report must show no stale_tlb. */
#include "tests/guests/hostile_guest.h"
#include "devices/abi/exit_port.h"

#define ROUNDS 100000
#define ELSEWHERE 0x200000

    HOSTILE_START announce
    movl $ROUNDS, %ecx
1:  movl %ecx, 0
    movl ELSEWHERE, %eax
    movl %eax, ELSEWHERE + 4
    loop 1b
    movl $GUEST_EXIT_OK, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
2:  hlt
    jmp 2b
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "write_phys_zero: rewriting physical 0 with paging off\n"

    HOSTILE_STACK
