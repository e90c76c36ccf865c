/* Hostile: fills every cap of emu/bounds/host_bounds.h that a guest can reach, all in one run, on
   top of a guest whose RAM is all touched. It opens PREFIX_DEPTH nested regions with 63-character
   names (so that every folded stack is long), then every round ends its "top" region and begins
   one with a new name (names, region_mismatch faults once names run out) and, under it, begins and
   ends LEAVES regions (more callees than a region may list; a new folded stack for each), and at
   its end begins PAST_DEPTH nested regions, more than may nest, and ends them. Inside
   each leaf: a 16-byte kmalloc and, every other leaf, a 16 KiB one, both never freed (tracked
   allocations and the frames they cover), a page-sized kmalloc freed at once (frames remembered as
   freed), an alloc_pages of order 20 (past MAX_PAGE_ORDER), a doorbell of a DMA the edu device
   must refuse (dma_rejected faults) and the end of a region never begun (region_mismatch). Each
   round ends with CALL_SITES calls of kmalloc from distinct addresses. Every call and region closed
   is a cycle sample and, under --trace, a timeline slice. Never exits. The allocators are alloc_flood.S's. */
#include "tests/guests/hostile_guest.h"
#include "devices/abi/magic_ops.h"

#define PAGE_OFFSET 0xC0000000
#define STRUCT_PAGE_SHIFT 5
#define MEM_MAP_BASE 0x00800000
#define SMALL_SIZE 16
#define BIG_SIZE 0x4000
#define SMALL_BASE 0x01000000
#define SMALL_WINDOW_MASK 0x01FFFFFF
#define TEACHING_CALLS 2
#define HUGE_ORDER 20

#define PREFIX_DEPTH 250
#define LEAVES 400
#define CALL_SITES 300
/* Regions begun on top of the prefix, the top and nothing else: 4 more than may nest. */
#define PAST_DEPTH 8
/* The name buffer: a kind letter, filler, 8 hex digits of the counter, NUL: 63 characters. */
#define NAME_HEX_OFF 55

#define PCI_ADDRESS 0xCF8
#define PCI_DATA 0xCFC
#define EDU_ID 0x11E81234
#define PCI_COMMAND 0x04
#define PCI_BAR0 0x10
#define PCI_COMMAND_MEMORY_MASTER 0x6
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_COUNT_HIGH 0x94
#define EDU_DMA_CMD 0x98
#define EDU_BUFFER 0x40000
#define EDU_CMD_START_TO_RAM 0x3
/* Not RAM: the option-ROM window. */
#define DMA_TARGET 0xE0000

    HOSTILE_START announce
    TOUCH_ALL_RAM
    call find_edu
    movl %eax, edu_base
    testl %eax, %eax
    jz 3f
    movl $EDU_BUFFER, EDU_DMA_SRC(%eax)
    movl $DMA_TARGET, EDU_DMA_DST(%eax)
    movl $0xFFFFF000, EDU_DMA_COUNT(%eax)
    movl $0xFFFFFFFF, EDU_DMA_COUNT_HIGH(%eax)
3:  xorl %esi, %esi
4:  movb $'p', %al
    movl %esi, %ecx
    movw $ROI_BEGIN_PORT, %dx
    call region_op
    incl %esi
    cmpl $PREFIX_DEPTH, %esi
    jb 4b
    xorl %ebp, %ebp
    movb $'t', %al
    movl %ebp, %ecx
    movw $ROI_BEGIN_PORT, %dx
    call region_op
round:
    movb $'t', %al
    movl %ebp, %ecx
    movw $ROI_END_PORT, %dx
    call region_op
    incl %ebp
    movb $'t', %al
    movl %ebp, %ecx
    movw $ROI_BEGIN_PORT, %dx
    call region_op
    xorl %esi, %esi
leaf:
    movb $'l', %al
    movl %esi, %ecx
    movw $ROI_BEGIN_PORT, %dx
    call region_op
    call churn
    movb $'l', %al
    movl %esi, %ecx
    movw $ROI_END_PORT, %dx
    call region_op
    incl %esi
    cmpl $LEAVES, %esi
    jb leaf
    call call_sites
    xorl %esi, %esi
5:  movb $'n', %al
    movl %esi, %ecx
    movw $ROI_BEGIN_PORT, %dx
    call region_op
    incl %esi
    cmpl $PAST_DEPTH, %esi
    jb 5b
6:  decl %esi
    movb $'n', %al
    movl %esi, %ecx
    movw $ROI_END_PORT, %dx
    call region_op
    testl %esi, %esi
    jnz 6b
    jmp round
    .size _start, . - _start

/* region_op(al = kind letter, ecx = counter, dx = port): writes the name's address to the port. */
    .type region_op, @function
region_op:
    pushl %edi
    movb %al, name
    movl $name + NAME_HEX_OFF + 8, %edi
    pushl %edx
1:  decl %edi
    movl %ecx, %eax
    andl $0xf, %eax
    movb hex(%eax), %al
    movb %al, (%edi)
    shrl $4, %ecx
    cmpl $name + NAME_HEX_OFF, %edi
    ja 1b
    popl %edx
    movl $name, %eax
    outl %eax, %dx
    popl %edi
    ret
    .size region_op, . - region_op

/* One leaf's worth of growth; esi is the leaf's number. */
    .type churn, @function
churn:
    pushl $SMALL_SIZE
    call kmalloc
    addl $4, %esp
    testl $1, %esi
    jz 1f
    pushl $BIG_SIZE
    call kmalloc
    addl $4, %esp
1:  pushl $PAGE_SIZE
    call kmalloc
    movl %eax, (%esp)
    call kfree
    addl $4, %esp
    pushl $HUGE_ORDER
    pushl $0
    call alloc_pages
    addl $8, %esp
    movl edu_base, %eax
    testl %eax, %eax
    jz 2f
    movl $EDU_CMD_START_TO_RAM, EDU_DMA_CMD(%eax)
2:  movl $never_begun, %eax
    movw $ROI_END_PORT, %dx
    outl %eax, %dx
    ret
    .size churn, . - churn

    .type call_sites, @function
call_sites:
    .rept CALL_SITES
    pushl $SMALL_SIZE
    call kmalloc
    addl $4, %esp
    .endr
    ret
    .size call_sites, . - call_sites

/* The edu device's BAR0 on bus 0 (as the firmware assigned it), or 0; turns on its memory
   decoding and bus mastering, as a driver does. */
    .type find_edu, @function
find_edu:
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $11, %eax
    orl $0x80000000, %eax
    movw $PCI_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_DATA, %dx
    inl %dx, %eax
    cmpl $EDU_ID, %eax
    je 2f
    incl %ecx
    cmpl $32, %ecx
    jb 1b
    xorl %eax, %eax
    ret
2:  shll $11, %ecx
    orl $0x80000000 | PCI_COMMAND, %ecx
    movl %ecx, %eax
    movw $PCI_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_DATA, %dx
    movl $PCI_COMMAND_MEMORY_MASTER, %eax
    outl %eax, %dx
    xorl $PCI_COMMAND ^ PCI_BAR0, %ecx
    movl %ecx, %eax
    movw $PCI_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_DATA, %dx
    inl %dx, %eax
    andl $~0xF, %eax
    ret
    .size find_edu, . - find_edu

/* void *kmalloc(size_t size): as alloc_flood.S's, except that a request of a page or more takes
   as many new frames as it covers. */
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
1:  movl 4(%esp), %edx
    cmpl $PAGE_SIZE, %edx
    jb 2f
    addl $PAGE_SIZE - 1, %edx
    andl $-PAGE_SIZE, %edx
    movl next_frame_va, %eax
    addl %edx, next_frame_va
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
    .asciz "cap_flood: every guest-growable cap at once\n"
hex:
    .ascii "0123456789abcdef"
never_begun:
    .asciz "never_begun"

    .data
name:
    .ascii "x______________________________________________________00000000"
    .byte 0
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
next_pfn:
    .long 1
edu_base:
    .long 0

    HOSTILE_STACK
