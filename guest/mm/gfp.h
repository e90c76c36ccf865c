/* Allocation flags (values as in Linux 2.6 i386, where GFP_KERNEL was 0xd0). */
#ifndef GUEST_MM_GFP_H
#define GUEST_MM_GFP_H

typedef unsigned int gfp_t;

#define __GFP_DMA 0x01u       /* only ZONE_DMA (physical < 16 MiB) */
#define __GFP_HIGHMEM 0x02u   /* ZONE_HIGHMEM allowed (the page may have no kernel mapping) */
#define __GFP_WAIT 0x10u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_NOWARN 0x200u   /* no WARN line on failure: the caller copes */
#define __GFP_NOFAIL 0x800u   /* failure is fatal: BUG line, exit GUEST_EXIT_OOM */
#define __GFP_COMP 0x4000u    /* compound: tail pages point at the head (slabs, large kmalloc) */
#define __GFP_ZERO 0x8000u    /* return zeroed memory */

#define GFP_ATOMIC 0x20u
#define GFP_KERNEL (__GFP_WAIT | __GFP_IO | __GFP_FS)
#define GFP_DMA (GFP_KERNEL | __GFP_DMA)
#define GFP_HIGHMEM (GFP_KERNEL | __GFP_HIGHMEM)
#define GFP_HIGHUSER GFP_HIGHMEM

#endif
