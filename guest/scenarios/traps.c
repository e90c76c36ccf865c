/* traps: takes #PF, #GP, #DE and #BP count=N times each, checking what the CPU reports every time. */
#include "scenarios/scenarios.h"
#include "arch/cpu.h"
#include "arch/exit.h"
#include "arch/setup.h"
#include "arch/traps.h"
#include "lib/cmdline.h"
#include "lib/printk.h"

#define PDE_PRESENT 0x1
#define REGION_SIZE 0x400000u

/* What the last exception looked like, filled in by record(). */
static volatile u32 seen_count, seen_vector, seen_error, seen_eip, seen_cr2;

static void record(const struct trap_frame *tf)
{
    seen_count++;
    seen_vector = tf->vector;
    seen_error = tf->error;
    seen_eip = tf->eip;
    seen_cr2 = read_cr2();
}

/* Faults: resume at the instruction's fixup; only instructions in __ex_table are expected. */
static int on_fault(struct trap_frame *tf)
{
    record(tf);
    return fixup_exception(tf);
}

/* #BP is a trap: EIP already points past int3, so just go on. */
static int on_breakpoint(struct trap_frame *tf)
{
    record(tf);
    return 1;
}

static void reset_seen(void)
{
    seen_count = 0;
    seen_vector = seen_error = seen_eip = seen_cr2 = 0xffffffff;
}

/* A 4 MiB user-half region whose page-directory entry is not present, so every read in it faults. */
static u32 find_unmapped_region(void)
{
    const u32 *pgdir = (const u32 *)(uintptr_t)((read_cr3() & ~0xfffu) + PAGE_OFFSET);
    for (u32 i = 1; i < (PAGE_OFFSET >> 22); i++)
        if (!(pgdir[i] & PDE_PRESENT))
            return i * REGION_SIZE;
    panic("traps: every user-half page-directory entry is present");
}

static bool page_fault_once(u32 addr)
{
    u32 v = 0x5a5a5a5a;
    reset_seen();
    __asm__ volatile("1: movl (%1), %0\n\t"
                     "2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+r"(v)
                     : "r"(addr)
                     : "memory");
    /* error 0: a read by ring 0 of a page that is not present. */
    return seen_count == 1 && seen_vector == T_PF && seen_cr2 == addr && seen_error == 0 && v == 0x5a5a5a5a;
}

/* A selector beyond the GDT limit: #GP with the selector (RPL bits clear) as error code. */
static bool general_protection_once(u16 sel)
{
    u16 before, after;
    reset_seen();
    __asm__ volatile("movw %%fs, %0\n\t"
                     "1: movw %2, %%fs\n\t"
                     "2:\n\t"
                     "movw %%fs, %1\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=&r"(before), "=r"(after)
                     : "r"(sel)
                     : "memory");
    return seen_count == 1 && seen_vector == T_GP && seen_error == sel && before == after;
}

static bool divide_error_once(u32 dividend)
{
    u32 lo = dividend, hi = 0, zero = 0;
    reset_seen();
    __asm__ volatile("1: divl %2\n\t"
                     "2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(lo), "+d"(hi)
                     : "r"(zero)
                     : "memory");
    /* A fault: no result is written, and the CPU pushes no error code. */
    return seen_count == 1 && seen_vector == T_DE && seen_error == 0 && lo == dividend && hi == 0;
}

static bool breakpoint_once(void)
{
    u32 after_int3;
    reset_seen();
    __asm__ volatile("int3\n\t"
                     "1: movl $1b, %0"
                     : "=r"(after_int3)
                     :
                     : "memory");
    return seen_count == 1 && seen_vector == T_BP && seen_error == 0 && seen_eip == after_int3;
}

static bool report(const char *name, u32 ok, u32 count)
{
    printk("traps: %s %u/%u %s\n", name, ok, count, ok == count ? "ok" : "FAILED");
    return ok == count;
}

int scenario_traps(void)
{
    u32 count = cmdline_get_ulong("count", 200);
    u32 region = find_unmapped_region();
    u32 ok;
    bool all = true;

    set_trap_handler(T_PF, on_fault);
    ok = 0;
    for (u32 i = 0; i < count; i++)
        ok += page_fault_once(region + (i * 0x1003u) % REGION_SIZE);
    all &= report("#PF", ok, count);

    set_trap_handler(T_GP, on_fault);
    ok = 0;
    for (u32 i = 0; i < count; i++)
        ok += general_protection_once((u16)((3 + i % 1000) * 8));
    all &= report("#GP", ok, count);

    set_trap_handler(T_DE, on_fault);
    ok = 0;
    for (u32 i = 0; i < count; i++)
        ok += divide_error_once(i + 1);
    all &= report("#DE", ok, count);

    set_trap_handler(T_BP, on_breakpoint);
    ok = 0;
    for (u32 i = 0; i < count; i++)
        ok += breakpoint_once();
    all &= report("#BP", ok, count);

    set_trap_handler(T_PF, NULL);
    set_trap_handler(T_GP, NULL);
    set_trap_handler(T_DE, NULL);
    set_trap_handler(T_BP, NULL);
    return all ? GUEST_EXIT_OK : GUEST_EXIT_TEST_FAILED;
}
