/* A Multiboot header with the a.out kludge (flag bit 16), for a kernel shipped as a flat binary
 * (objcopy -O binary): the header says where the file goes, where its bss ends and where to
 * start. _edata and _end come from ld's default linker script. It must be the first thing in the
 * file, so that header_addr and load_addr coincide. */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* a.out kludge, page-align modules, memory fields */

    .text
    .balign 4
mb_header:
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)
    .long mb_header     /* header_addr */
    .long mb_header     /* load_addr: the file's first byte */
    .long _edata        /* load_end_addr */
    .long _end          /* bss_end_addr */
    .long _start        /* entry_addr */
