// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_bench: the allocator cells of our kernel's bench scenario (guest/scenarios/bench.c), run
 * on Linux's own allocators. Same cells, same sizes, same region names and the same port
 * markers, so that a report of this module and one of `scenario=bench` compare cell by cell:
 *
 *   kmalloc/S, get_free_pages/S, vmalloc/S   S = 32 B .. 4 MiB in powers of two; each repetition
 *                                            is CELL with CELL:alloc, CELL:touch (a write per
 *                                            64-byte line) and CELL:free nested in it
 *   touch:direct/4M, touch:vmalloc/4M        reps x4 passes writing one word per page of 4 MiB
 *                                            reached through the direct map or through vmalloc
 *
 * The fragmented phase of bench is left out: Linux compacts and reclaims, so "no free block
 * above order 0" cannot be arranged from a module without fighting the kernel.
 * Parameter reps (1..100000, default 8). Prints `alloc_bench: NAME xREPS ok|failed F` per cell;
 * loading fails with -ENOMEM if a cell failed.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "devices/abi/magic_ops.h"

#define MIN_SHIFT 5
#define MAX_SHIFT 22
#define TOUCH_STRIDE 64
#define TOUCH_SIZE (4UL << 20)
#define TOUCH_PASSES 4
#define MAX_REPS 100000

static unsigned int reps = 8;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of every cell (1..100000)");

enum allocator { KMALLOC, GET_FREE_PAGES, VMALLOC, NR_ALLOCATORS };

static const char *const allocator_names[NR_ALLOCATORS] = { "kmalloc", "get_free_pages", "vmalloc" };

struct cell_names {
	char cell[ROI_NAME_MAX], alloc[ROI_NAME_MAX], touch[ROI_NAME_MAX], free[ROI_NAME_MAX];
};

/* The host reads the name at this virtual address when the marker is written. */
static void marker(unsigned int port, const char *name)
{
	outl((u32)(unsigned long)name, port);
}

static void touch(volatile u8 *p, unsigned long size, unsigned long stride)
{
	unsigned long off;

	for (off = 0; off < size; off += stride)
		p[off] = (u8)(off >> 6);
}

static void *allocate(enum allocator a, unsigned long size)
{
	switch (a) {
	case KMALLOC:
		return kmalloc(size, GFP_KERNEL);
	case GET_FREE_PAGES:
		return (void *)__get_free_pages(GFP_KERNEL, get_order(size));
	default:
		return vmalloc(size);
	}
}

static void release(enum allocator a, void *p, unsigned long size)
{
	switch (a) {
	case KMALLOC:
		kfree(p);
		break;
	case GET_FREE_PAGES:
		free_pages((unsigned long)p, get_order(size));
		break;
	default:
		vfree(p);
		break;
	}
}

static bool cycle(const struct cell_names *n, enum allocator a, unsigned long size)
{
	u8 *p;

	marker(ROI_BEGIN_PORT, n->cell);
	marker(ROI_BEGIN_PORT, n->alloc);
	p = allocate(a, size);
	if (!p) {
		marker(ROI_FAIL_PORT, n->alloc);
		marker(ROI_END_PORT, n->alloc);
		marker(ROI_FAIL_PORT, n->cell);
		marker(ROI_END_PORT, n->cell);
		return false;
	}
	marker(ROI_END_PORT, n->alloc);
	marker(ROI_BEGIN_PORT, n->touch);
	touch(p, size, TOUCH_STRIDE);
	marker(ROI_END_PORT, n->touch);
	marker(ROI_BEGIN_PORT, n->free);
	release(a, p, size);
	marker(ROI_END_PORT, n->free);
	marker(ROI_END_PORT, n->cell);
	return true;
}

static struct cell_names names;

static unsigned long run_cell(enum allocator a, unsigned long size)
{
	unsigned long failed = 0, r;

	snprintf(names.cell, sizeof(names.cell), "%s/%lu", allocator_names[a], size);
	snprintf(names.alloc, sizeof(names.alloc), "%s:alloc", names.cell);
	snprintf(names.touch, sizeof(names.touch), "%s:touch", names.cell);
	snprintf(names.free, sizeof(names.free), "%s:free", names.cell);
	for (r = 0; r < reps; r++)
		if (!cycle(&names, a, size))
			failed++;
	if (failed)
		pr_info("alloc_bench: %s x%u failed %lu\n", names.cell, reps, failed);
	else
		pr_info("alloc_bench: %s x%u ok\n", names.cell, reps);
	return failed;
}

static void touch_region(const char *name, u8 *buf)
{
	unsigned long r;

	for (r = 0; r < reps * TOUCH_PASSES; r++) {
		marker(ROI_BEGIN_PORT, name);
		touch(buf, TOUCH_SIZE, PAGE_SIZE);
		marker(ROI_END_PORT, name);
	}
	pr_info("alloc_bench: %s x%u ok\n", name, reps * TOUCH_PASSES);
}

static bool run_touch(void)
{
	static const char direct_name[] = "touch:direct/4M", vmalloc_name[] = "touch:vmalloc/4M";
	unsigned int order = get_order(TOUCH_SIZE);
	unsigned long direct = __get_free_pages(GFP_KERNEL, order);
	u8 *vm = vmalloc(TOUCH_SIZE);
	bool ok = direct && vm;

	if (ok) {
		touch_region(direct_name, (u8 *)direct);
		touch_region(vmalloc_name, vm);
	} else {
		pr_info("alloc_bench: touch buffers could not be allocated\n");
	}
	vfree(vm);
	if (direct)
		free_pages(direct, order);
	return ok;
}

static int __init alloc_bench_init(void)
{
	unsigned long failed = 0;
	int a, shift;

	if (reps < 1 || reps > MAX_REPS) {
		pr_err("alloc_bench: reps=%u out of range 1..%u\n", reps, MAX_REPS);
		return -EINVAL;
	}
	pr_info("alloc_bench: reps=%u\n", reps);
	for (a = 0; a < NR_ALLOCATORS; a++)
		for (shift = MIN_SHIFT; shift <= MAX_SHIFT; shift++)
			failed += run_cell((enum allocator)a, 1UL << shift);
	if (!run_touch())
		failed++;
	return failed ? -ENOMEM : 0;
}

static void __exit alloc_bench_exit(void)
{
}

module_init(alloc_bench_init);
module_exit(alloc_bench_exit);
MODULE_DESCRIPTION("ia32emu: Linux's allocators timed cell by cell, as our kernel's bench scenario");
MODULE_LICENSE("GPL");
