/* IDT for the 32 exception vectors, dispatch to handlers, exception fixups, and oops. */
#include "arch/traps.h"
#include "arch/cpu.h"
#include "arch/exit.h"
#include "arch/gdt.h"
#include "arch/irq.h"
#include "lib/printk.h"

#define IDT_ENTRIES 256
#define GATE_INTERRUPT32 0x8e   /* present, ring 0, 32-bit interrupt gate: IF cleared on entry */

struct idt_gate {
    u16 offset_lo;
    u16 selector;
    u8 zero;
    u8 type_attr;
    u16 offset_hi;
} __attribute__((packed));

struct idt_ptr {
    u16 limit;
    u32 base;
} __attribute__((packed));

/* An instruction that may fault, and where execution resumes if it does (see _ASM_EXTABLE). */
struct exception_table_entry {
    u32 insn;
    u32 fixup;
};

extern const u32 trap_stubs[NR_EXCEPTIONS];
extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(8)));
static trap_handler_t handlers[NR_EXCEPTIONS];

static const char *const names[NR_EXCEPTIONS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "RSV15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "RSV22", "RSV23",
    "RSV24", "RSV25", "RSV26", "RSV27", "#HV", "#VC", "#SX", "RSV31",
};

const char *trap_name(int vector)
{
    if (vector < 0 || vector >= NR_EXCEPTIONS)
        return "INT";
    return names[vector];
}

static void set_gate(int vector, u32 handler)
{
    idt[vector].offset_lo = (u16)handler;
    idt[vector].selector = KERNEL_CS;
    idt[vector].zero = 0;
    idt[vector].type_attr = GATE_INTERRUPT32;
    idt[vector].offset_hi = (u16)(handler >> 16);
}

void set_interrupt_gate(int vector, u32 handler)
{
    if (vector < NR_EXCEPTIONS || vector >= IDT_ENTRIES)
        panic("set_interrupt_gate: bad vector %d", vector);
    set_gate(vector, handler);
}

/* Vectors 32..255 stay not-present until a driver asks (arch/irq.c): an unexpected interrupt
 * shows up as #NP, then an oops. */
void trap_init(void)
{
    for (int v = 0; v < NR_EXCEPTIONS; v++)
        set_gate(v, trap_stubs[v]);
    struct idt_ptr p = { sizeof(idt) - 1, (u32)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}

void set_trap_handler(int vector, trap_handler_t fn)
{
    if (vector < 0 || vector >= NR_EXCEPTIONS)
        panic("set_trap_handler: bad vector %d", vector);
    handlers[vector] = fn;
}

int fixup_exception(struct trap_frame *tf)
{
    for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == tf->eip) {
            tf->eip = e->fixup;
            return 1;
        }
    }
    return 0;
}

void oops(const struct trap_frame *tf)
{
    /* Ring 0 to ring 0 pushes no ESP: the trapped ESP is just above eip, cs, eflags. */
    u32 esp = (u32)(uintptr_t)&tf->eflags + 4;
    printk("oops: vector=%u (%s) eip=0x%08x cr2=0x%08x error=0x%08x\n", tf->vector, trap_name((int)tf->vector),
           tf->eip, read_cr2(), tf->error);
    printk("regs: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x esi=0x%08x edi=0x%08x ebp=0x%08x esp=0x%08x "
           "eflags=0x%08x\n",
           tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp, esp, tf->eflags);
    guest_exit(GUEST_EXIT_OOPS);
}

/* Called from trap_common. External interrupts go to their line's handler; for an exception a
 * scenario's handler goes first, then the fixup table, then oops. */
void trap_dispatch(struct trap_frame *tf);
void trap_dispatch(struct trap_frame *tf)
{
    if (tf->vector >= IRQ_BASE_VECTOR && tf->vector < IRQ_BASE_VECTOR + I8259_NR_IRQS) {
        irq_dispatch(tf->vector - IRQ_BASE_VECTOR);
        return;
    }
    if (tf->vector < NR_EXCEPTIONS && handlers[tf->vector] && handlers[tf->vector](tf))
        return;
    if (fixup_exception(tf))
        return;
    oops(tf);
}
