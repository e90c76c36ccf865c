/* A Multiboot header the way tutorials without a linker script write it: at the very start of
 * .text, so that the first object on the ld command line puts it in the first 8 KiB. */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, ask for the memory fields */

    .text
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)
