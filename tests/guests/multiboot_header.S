/* A Multiboot v1 header as any third-party kernel carries it: magic, flags, checksum, nothing else. */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, ask for the memory fields */

    .section .multiboot, "a"
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)
