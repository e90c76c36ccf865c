/* Hostile: a kernel whose allocators, named kmalloc, kfree and alloc_pages so that the host
   follows them, hand out memory without end. It first touches every page of its RAM (so that
   the host's bookkeeping comes on top of a full guest), then two kmallocs served from alloc_pages
   teach the host the size of a struct page (so that alloc_pages results become frames). Then
   every round: a 16-byte kmalloc at a new address that is never freed (live allocations grow), a
   page-sized kmalloc in a new frame that is freed at once (the frames remembered as last freed
   grow), and an alloc_pages of order 20 (4 GiB, past Linux's MAX_PAGE_ORDER). Never exits. */
#include "tests/guests/hostile_guest.h"
#define PAGE_OFFSET 0xC0000000
#define STRUCT_PAGE_SHIFT 5               /* 32-byte struct page */
/* Where the struct pages would be: only their addresses matter, none is ever read. */
#define MEM_MAP_BASE 0x00800000
#define SMALL_SIZE 16
#define SMALL_BASE 0x01000000
#define SMALL_WINDOW_MASK 0x01FFFFFF      /* 2 Mi distinct 16-byte addresses */
#define TEACHING_CALLS 2
#define HUGE_ORDER 20

    HOSTILE_START announce
    TOUCH_ALL_RAM
round:
    pushl $SMALL_SIZE
    call kmalloc
    addl $4, %esp
    pushl $PAGE_SIZE
    call kmalloc
    movl %eax, (%esp)
    call kfree
    addl $4, %esp
    pushl $HUGE_ORDER
    pushl $0
    call alloc_pages
    addl $8, %esp
    jmp round
    .size _start, . - _start

/* void *kmalloc(size_t size): the first calls take a page from alloc_pages and return its
   direct-map address, as a slab refill does; later ones a new address each, a new frame for a
   page-sized request (over the whole 32-bit space: paging is off). */
    .globl kmalloc
    .type kmalloc, @function
kmalloc:
    cmpl $0, teaching_left
    je 1f
    decl teaching_left
    pushl $0
    pushl $0
    call alloc_pages
    addl $8, %esp
    subl $MEM_MAP_BASE, %eax
    shrl $STRUCT_PAGE_SHIFT, %eax
    shll $12, %eax
    addl $PAGE_OFFSET, %eax
    ret
1:  cmpl $PAGE_SIZE, 4(%esp)
    jb 2f
    movl next_frame_va, %eax
    addl $PAGE_SIZE, next_frame_va
    ret
2:  movl small_offset, %eax
    addl $SMALL_SIZE, small_offset
    andl $SMALL_WINDOW_MASK, small_offset
    addl $SMALL_BASE, %eax
    ret
    .size kmalloc, . - kmalloc

    .globl kfree
    .type kfree, @function
kfree:
    ret
    .size kfree, . - kfree

/* struct page *alloc_pages(gfp_t gfp, unsigned order): a new head frame every call, whatever
   the order. */
    .globl alloc_pages
    .type alloc_pages, @function
alloc_pages:
    movl next_pfn, %eax
    incl next_pfn
    shll $STRUCT_PAGE_SHIFT, %eax
    addl $MEM_MAP_BASE, %eax
    ret
    .size alloc_pages, . - alloc_pages

    .section .rodata
announce:
    .asciz "alloc_flood: allocations never freed, a new frame freed each round, orders past MAX_PAGE_ORDER\n"

    .data
    .globl mem_map
    .type mem_map, @object
mem_map:
    .long MEM_MAP_BASE
    .size mem_map, 4
teaching_left:
    .long TEACHING_CALLS
small_offset:
    .long 0
next_frame_va:
    .long PAGE_SIZE
/* Frame 0 never teaches (the host cannot divide by it). */
next_pfn:
    .long 1

    HOSTILE_STACK
