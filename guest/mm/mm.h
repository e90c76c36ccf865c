/* The guest memory manager: boot entry point and the whole allocator API in one include. */
#ifndef GUEST_MM_MM_H
#define GUEST_MM_MM_H

#include "arch/multiboot.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/highmem.h"
#include "mm/io.h"
#include "mm/layout.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

/* Usable RAM below 4 GiB from the Multiboot map, split at the lowmem limit (page granular). */
extern u64 ram_bytes, lowmem_bytes, highmem_bytes;

/*
 * Reads the memory map and the `vmalloc=` / `slub_debug` parameters, sizes lowmem, reserves the
 * first MiB, the kernel image and the boot data, builds swapper_pg_dir, fills the buddy lists,
 * sets up the kmalloc caches and prints the `mm:` boot line. mbi is a kernel-virtual pointer.
 */
void mm_init(const struct multiboot_info *mbi);

#endif
