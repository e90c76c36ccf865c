/* The kernel page directory (swapper_pg_dir), PTE helpers and TLB invalidation. */
#ifndef GUEST_MM_PGTABLE_H
#define GUEST_MM_PGTABLE_H

#include "mm/layout.h"

typedef u32 pte_t;
typedef u32 pgd_t;

#define _PAGE_PRESENT 0x001u
#define _PAGE_RW 0x002u
#define _PAGE_USER 0x004u
#define _PAGE_PWT 0x008u
#define _PAGE_PCD 0x010u
#define _PAGE_ACCESSED 0x020u
#define _PAGE_DIRTY 0x040u
#define _PAGE_PSE 0x080u
#define _PAGE_GLOBAL 0x100u

#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW)

/*
 * Above this many pages a kernel-range flush reloads the whole TLB instead of issuing one invlpg
 * per page. Same ceiling as Linux x86 (tlb_single_page_flush_ceiling = 33): a P6/Pentium M class
 * DTLB holds 64 4-KiB entries, so past about half of it, invlpg one by one costs more than
 * dropping everything and refilling the few live entries (the direct map's global 4-MiB entries
 * are refilled by one walk each).
 */
#define TLB_FLUSH_CEILING 33

extern pgd_t swapper_pg_dir[PTRS_PER_PGD];
/* The page table behind PKMAP_BASE, built at boot so kmap never allocates. */
extern pte_t *pkmap_page_table;
extern bool mm_pse, mm_pge;
/* PTE flags for kernel mappings: global when the CPU has PGE, as Linux's PAGE_KERNEL. */
extern u32 page_kernel;
#define PAGE_KERNEL page_kernel
#define PAGE_KERNEL_NOCACHE (page_kernel | _PAGE_PCD | _PAGE_PWT)

/* Counters for tests and reports: page tables in the vmalloc/ioremap area and TLB work done. */
struct pgtable_stats {
    unsigned long pgtables;      /* on-demand page tables currently allocated */
    unsigned long invlpg;        /* single-page invalidations */
    unsigned long full_flushes;  /* whole-TLB flushes (global entries included) */
};
extern struct pgtable_stats pgtable_stats;

/* Builds swapper_pg_dir for the direct map and the pkmap table, then switches CR3 to it. */
void paging_init(void);

/* The PTE mapping addr, or NULL when no page table covers it (4 KiB mappings only). */
pte_t *lookup_pte(unsigned long addr);
/* Kernel-virtual translation through the page tables (handles 4 MiB pages); false if unmapped. */
bool kernel_translate(unsigned long addr, unsigned long *phys, u32 *flags);

/*
 * Installs a PTE in the vmalloc area, allocating a page table on demand; returns false if no
 * page could be had for the table.
 */
bool set_kernel_pte(unsigned long addr, unsigned long phys, u32 flags, unsigned long caller);
/* Clears a PTE set with set_kernel_pte. No TLB flush: the caller flushes the whole range once. */
void clear_kernel_pte(unsigned long addr, unsigned long caller);
/* After the flush: frees the on-demand page tables in [start, end) whose PTEs are all clear. */
void free_empty_pgtables(unsigned long start, unsigned long end, unsigned long caller);

/* Invalidates [start, end): invlpg per page up to TLB_FLUSH_CEILING pages, else a full flush. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
/* Drops every translation, global ones included (CR4.PGE toggle, or CR3 reload without PGE). */
void flush_tlb_global(void);

#endif
