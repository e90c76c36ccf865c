/* probe_read8/probe_write8: touch one byte, reporting a fault instead of oopsing. */
#include "arch/traps.h"

int probe_read8(const volatile void *p, u8 *out)
{
    int err = 0;
    u8 v = 0;
    __asm__ volatile("1: movb (%2), %1\n\t"
                     "2:\n\t"
                     ".pushsection .text.fixup, \"ax\"\n"
                     "3: movl $-1, %0\n\t"
                     "jmp 2b\n\t"
                     ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
                     : "+r"(err), "+q"(v)
                     : "r"(p)
                     : "memory");
    if (err == 0)
        *out = v;
    return err;
}

int probe_write8(volatile void *p, u8 v)
{
    int err = 0;
    __asm__ volatile("1: movb %1, (%2)\n\t"
                     "2:\n\t"
                     ".pushsection .text.fixup, \"ax\"\n"
                     "3: movl $-1, %0\n\t"
                     "jmp 2b\n\t"
                     ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
                     : "+r"(err)
                     : "q"(v), "r"(p)
                     : "memory");
    return err;
}
