/*
 * Multiboot v1 header discovery: a 4-byte-aligned {magic, flags, checksum} within the first
 * 8 KiB whose three words sum to zero. Header flags asking for things we do not provide (video
 * mode, page-aligned modules) are ignored, as QEMU does, rather than refused.
 */
#include "kernel_load.h"

#include "aout_load.h"
#include "elf_load.h"
#include "fail.h"
#include "kernel_file.h"
#include "multiboot.h"

static u8 head[MB_HEADER_SEARCH_LIMIT];
static u32 header_flags;

u32 kernel_header_flags(void)
{
    return header_flags;
}

/* Returns the header's offset in head, or -1. */
static int find_header(u32 head_len)
{
    for (u32 off = 0; off + MB_HEADER_MIN_SIZE <= head_len; off += 4) {
        const struct mb_header *h = (const struct mb_header *)(head + off);
        if (h->magic == MB_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0)
            return (int)off;
    }
    return -1;
}

u32 kernel_load(void)
{
    kernel_file_open();
    u32 size = kernel_file_size();
    u32 head_len = size < sizeof(head) ? size : sizeof(head);
    kernel_file_read(0, head, head_len);

    int hdr_offset = find_header(head_len);
    if (hdr_offset < 0) {
        /* ELF problems are reported first: "not an i386 ELF" says more than "no header". */
        elf_check(head, head_len);
        fail("kernel has no Multiboot header in its first 8 KiB");
    }
    const struct mb_header *hdr = (const struct mb_header *)(head + hdr_offset);
    header_flags = hdr->flags;
    if (hdr->flags & MB_HEADER_FLAG_AOUT_KLUDGE) {
        /* The address fields may straddle the 8 KiB boundary: take them from the file. */
        struct mb_header full;
        kernel_file_read((u32)hdr_offset, &full, sizeof(full));
        return aout_load(&full, (u32)hdr_offset);
    }
    return elf_load(head, head_len);
}
