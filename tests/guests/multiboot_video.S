/* A Multiboot header asking for a video mode (flag bit 2): EGA text, 80x25, as a kernel that wants
 * the loader to tell it where the text screen is writes it. The a.out-kludge words are unused. */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000007 /* page-align modules, memory fields, video mode */

    .text
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)
    .long 0, 0, 0, 0, 0     /* header_addr .. entry_addr */
    .long 1                 /* mode_type: EGA text */
    .long 80, 25, 0         /* width, height, depth */
