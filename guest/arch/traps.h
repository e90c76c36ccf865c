/* Exception entry: the trap frame, per-vector handlers, and fault-tolerant probes. */
#ifndef GUEST_ARCH_TRAPS_H
#define GUEST_ARCH_TRAPS_H

#include "lib/types.h"

#define T_DE 0   /* divide error */
#define T_DB 1
#define T_NMI 2
#define T_BP 3   /* int3; a trap: EIP is already past the instruction */
#define T_OF 4
#define T_BR 5
#define T_UD 6
#define T_NM 7
#define T_DF 8
#define T_TS 10
#define T_NP 11
#define T_SS 12
#define T_GP 13
#define T_PF 14
#define T_MF 16
#define T_AC 17
#define T_MC 18
#define T_XM 19
#define NR_EXCEPTIONS 32

/* #PF error code bits. */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_RSVD 0x8

/*
 * What the entry stubs leave on the stack, lowest address first. Ring 0 to ring 0, so the CPU
 * pushes no ESP/SS; pushal_esp is pushal's copy of ESP (pointing at ds), not the trapped ESP,
 * which is the address just past eflags.
 */
struct trap_frame {
    u32 edi, esi, ebp, pushal_esp, ebx, edx, ecx, eax;  /* pushal */
    u32 ds, es;
    u32 vector;
    u32 error;   /* the CPU's error code, or 0 for vectors without one */
    u32 eip, cs, eflags;
};

/* A handler returns nonzero if it dealt with the exception (it may change tf->eip), else 0. */
typedef int (*trap_handler_t)(struct trap_frame *tf);

/*
 * Inside inline asm: if the instruction at label `from` faults and no scenario handler claims the
 * exception, execution resumes at label `to`.
 */
#define _ASM_EXTABLE(from, to) \
    ".pushsection __ex_table, \"a\"\n\t.balign 4\n\t.long " #from ", " #to "\n\t.popsection\n\t"

void trap_init(void);
void set_trap_handler(int vector, trap_handler_t fn);
/* A ring-0 interrupt gate (IF cleared on entry) for a vector above the exceptions. */
void set_interrupt_gate(int vector, u32 handler);
const char *trap_name(int vector);
void oops(const struct trap_frame *tf) __attribute__((noreturn));
/* Moves tf->eip to the fixup of a faulting instruction listed in __ex_table; 1 if there was one. */
int fixup_exception(struct trap_frame *tf);

int probe_read8(const volatile void *p, u8 *out);
int probe_write8(volatile void *p, u8 v);

#endif
