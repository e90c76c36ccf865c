/*
 * ioremap/iounmap and the MMIO accessors. ioremap maps whole pages: an unaligned physical address
 * is rounded down and the returned pointer carries the offset into the first page. The PTEs are
 * uncached (PCD|PWT), as device registers need.
 */
#ifndef GUEST_MM_IO_H
#define GUEST_MM_IO_H

#include "lib/types.h"

void *ioremap(unsigned long phys_addr, unsigned long size);
void iounmap(volatile void *addr);

static inline u8 readb(const volatile void *addr)
{
    return *(const volatile u8 *)addr;
}

static inline u16 readw(const volatile void *addr)
{
    return *(const volatile u16 *)addr;
}

static inline u32 readl(const volatile void *addr)
{
    return *(const volatile u32 *)addr;
}

static inline void writeb(u8 v, volatile void *addr)
{
    *(volatile u8 *)addr = v;
}

static inline void writew(u16 v, volatile void *addr)
{
    *(volatile u16 *)addr = v;
}

static inline void writel(u32 v, volatile void *addr)
{
    *(volatile u32 *)addr = v;
}

#endif
