/*
 * Misuse reporting for the allocators. Every report is one line
 *   "BUG: <what> caller=0x%08x"  or  "WARN: <what> caller=0x%08x"
 * where caller is the return address of the public API function that was misused.
 *
 * A BUG/WARN that the allocator can refuse safely (double free, foreign pointer, bad address,
 * allocation failure) prints the line, leaves the allocator state intact and returns. Damage that
 * cannot be undone ends the run:
 *   GUEST_EXIT_PANIC (3): corrupted allocator metadata (free lists, slab freelists, page tables)
 *   GUEST_EXIT_OOM   (5): an allocation that must not fail did (boot-time memory, __GFP_NOFAIL)
 *   GUEST_EXIT_BAD_CMDLINE (6): an unusable vmalloc= value
 */
#ifndef GUEST_MM_DEBUG_H
#define GUEST_MM_DEBUG_H

#include "lib/types.h"

/*
 * Debug mode (slab poisoning and red zones, __pa checks): on by default because the kernel exists
 * to exercise the allocators and misuse must be loud; `slub_debug=-` (as in Linux) or
 * `slub_debug=0`/`off` turns it off, e.g. for timing runs that want the lean fast paths.
 */
extern bool mm_debug;

/* Reports so far; the self-test checks that misuse was noticed by watching these move. */
extern unsigned int mm_bug_count;
extern unsigned int mm_warn_count;

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

/*
 * Functions the host tracks by symbol (kmalloc, vmalloc, ...) must be real global functions with
 * one entry and one ret: __tracked keeps them out of line, and keep_frame(v) after the inner call
 * keeps gcc from turning that call into a tail jump (which would leave the function without a ret).
 */
#define __tracked __attribute__((noinline, used))
/* Inner bodies stay out of line so that the tracked wrapper around them has a single ret. */
#define __noinline __attribute__((noinline))
#define keep_frame(v) __asm__ volatile("" : "+r"(v))
#define keep_frame_void() __asm__ volatile("" : : : "memory")

void mm_bug(unsigned long caller, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mm_warn(unsigned long caller, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mm_fatal(int exit_code, unsigned long caller, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
