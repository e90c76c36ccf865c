/* swapper_pg_dir: the direct map of lowmem (4 MiB PSE pages when the CPU has them), on-demand tables. */
#include "mm/pgtable.h"
#include "arch/cpu.h"
#include "arch/exit.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/memblock.h"
#include "mm/page_alloc.h"

pgd_t swapper_pg_dir[PTRS_PER_PGD] __attribute__((aligned(4096)));
pte_t *pkmap_page_table;
bool mm_pse, mm_pge;
u32 page_kernel = _PAGE_PRESENT | _PAGE_RW;
struct pgtable_stats pgtable_stats;

/* Boot tables come from below BOOT_MAPPED_BYTES: the boot map is all we can write through yet. */
static pte_t *alloc_boot_table(void)
{
    unsigned long pfn = memblock_alloc_pages(1, BOOT_MAPPED_BYTES >> PAGE_SHIFT);
    pte_t *pt = __va(pfn << PAGE_SHIFT);
    memset(pt, 0, PAGE_SIZE);
    return pt;
}

void paging_init(void)
{
    mm_pse = cpu_has_pse();
    mm_pge = cpu_has_pge();
    if (mm_pge)
        page_kernel |= _PAGE_GLOBAL;
    /* PS bits in the new directory only mean "4 MiB page" once CR4.PSE is set. */
    if (mm_pse)
        write_cr4(read_cr4() | CR4_PSE);

    unsigned long lowmem_end = max_low_pfn << PAGE_SHIFT;
    for (unsigned long phys = 0; phys < lowmem_end; phys += PGDIR_SIZE) {
        unsigned long idx = (PAGE_OFFSET + phys) >> PGDIR_SHIFT;
        if (mm_pse && lowmem_end - phys >= PGDIR_SIZE) {
            swapper_pg_dir[idx] = phys | _PAGE_PSE | page_kernel;
            continue;
        }
        /* No PSE, or the last partial 4 MiB of lowmem: map it page by page. */
        pte_t *pt = alloc_boot_table();
        for (unsigned long i = 0; i < PTRS_PER_PTE && phys + (i << PAGE_SHIFT) < lowmem_end; i++)
            pt[i] = (phys + (i << PAGE_SHIFT)) | page_kernel;
        swapper_pg_dir[idx] = __pa_nodebug(pt) | _PAGE_TABLE;
    }

    pkmap_page_table = alloc_boot_table();
    swapper_pg_dir[PKMAP_BASE >> PGDIR_SHIFT] = __pa_nodebug(pkmap_page_table) | _PAGE_TABLE;

    /* The boot identity map is gone from here on: a stray low pointer now faults. */
    write_cr3(__pa_nodebug(swapper_pg_dir));
    if (mm_pge)
        write_cr4(read_cr4() | CR4_PGE);
}

pte_t *lookup_pte(unsigned long addr)
{
    pgd_t pgd = swapper_pg_dir[addr >> PGDIR_SHIFT];
    if (!(pgd & _PAGE_PRESENT) || (pgd & _PAGE_PSE))
        return NULL;
    pte_t *pt = __va(pgd & PAGE_MASK);
    return &pt[(addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)];
}

bool kernel_translate(unsigned long addr, unsigned long *phys, u32 *flags)
{
    pgd_t pgd = swapper_pg_dir[addr >> PGDIR_SHIFT];
    if (!(pgd & _PAGE_PRESENT))
        return false;
    if (pgd & _PAGE_PSE) {
        *phys = (pgd & PGDIR_MASK) | (addr & ~PGDIR_MASK);
        *flags = pgd & 0xfffu;
        return true;
    }
    pte_t pte = *lookup_pte(addr);
    if (!(pte & _PAGE_PRESENT))
        return false;
    *phys = (pte & PAGE_MASK) | (addr & ~PAGE_MASK);
    *flags = pte & 0xfffu;
    return true;
}

bool set_kernel_pte(unsigned long addr, unsigned long phys, u32 flags, unsigned long caller)
{
    bool ok = true;
    pgd_t *pgd = &swapper_pg_dir[addr >> PGDIR_SHIFT];
    if (!(*pgd & _PAGE_PRESENT)) {
        struct page *pg = __alloc_pages_caller(GFP_KERNEL | __GFP_ZERO, 0, caller);
        if (pg) {
            pg->flags |= PG_pgtable;
            pg->inuse = 0;
            *pgd = page_to_phys(pg) | _PAGE_TABLE;
            pgtable_stats.pgtables++;
        } else {
            ok = false;
        }
    }
    if (ok) {
        pte_t *pte = lookup_pte(addr);
        if (*pte & _PAGE_PRESENT)
            mm_fatal(GUEST_EXIT_PANIC, caller, "kernel PTE for 0x%08lx already present (0x%08x)", addr, *pte);
        *pte = (phys & PAGE_MASK) | flags;
        virt_to_page(pte)->inuse++;
    }
    return ok;
}

void clear_kernel_pte(unsigned long addr, unsigned long caller)
{
    pte_t *pte = lookup_pte(addr);
    if (!pte || !(*pte & _PAGE_PRESENT))
        mm_fatal(GUEST_EXIT_PANIC, caller, "kernel PTE for 0x%08lx is not mapped", addr);
    *pte = 0;
    virt_to_page(pte)->inuse--;
}

void free_empty_pgtables(unsigned long start, unsigned long end, unsigned long caller)
{
    for (unsigned long a = start & PGDIR_MASK; a < end && a >= (start & PGDIR_MASK); a += PGDIR_SIZE) {
        pgd_t *pgd = &swapper_pg_dir[a >> PGDIR_SHIFT];
        if (!(*pgd & _PAGE_PRESENT) || (*pgd & _PAGE_PSE))
            continue;
        struct page *pg = pfn_to_page(*pgd >> PAGE_SHIFT);
        if (!(pg->flags & PG_pgtable) || pg->inuse != 0)
            continue;
        *pgd = 0;
        pg->flags &= ~PG_pgtable;
        pgtable_stats.pgtables--;
        __free_pages_caller(pg, 0, caller);
    }
}

void flush_tlb_global(void)
{
    if (mm_pge) {
        u32 cr4 = read_cr4();
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
    pgtable_stats.full_flushes++;
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
    unsigned long pages = (end - start) >> PAGE_SHIFT;
    if (pages > TLB_FLUSH_CEILING) {
        flush_tlb_global();
        return;
    }
    for (unsigned long a = start; a < end; a += PAGE_SIZE) {
        invlpg((void *)a);
        pgtable_stats.invlpg++;
    }
}
