/* Control registers, CPUID, TLB control and the time-stamp counter. */
#ifndef GUEST_ARCH_CPU_H
#define GUEST_ARCH_CPU_H

#include "lib/types.h"

#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PSE 0x00000010
#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080

#define CPUID_EDX_PSE (1u << 3)
#define CPUID_EDX_PAE (1u << 6)
#define CPUID_EDX_PGE (1u << 13)

#define EFLAGS_IF 0x00000200

struct cpuid_regs {
    u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(u32 leaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(0));
    return r;
}

static inline u32 read_cr0(void)
{
    u32 v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline u32 read_cr2(void)
{
    u32 v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline u32 read_cr3(void)
{
    u32 v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline u32 read_cr4(void)
{
    u32 v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(u32 v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr3(u32 v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(u32 v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(void *va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Reloading CR3 drops every non-global translation. */
static inline void flush_tlb_all(void)
{
    write_cr3(read_cr3());
}

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static inline bool cpu_has_pse(void)
{
    return (cpuid(1).edx & CPUID_EDX_PSE) != 0;
}

static inline bool cpu_has_pge(void)
{
    return (cpuid(1).edx & CPUID_EDX_PGE) != 0;
}

static inline bool cpu_has_pae(void)
{
    return (cpuid(1).edx & CPUID_EDX_PAE) != 0;
}

static inline void cli(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void hlt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

#endif
