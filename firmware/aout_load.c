/*
 * The Multiboot "a.out kludge": the header itself says which file bytes go where. As in GRUB and
 * QEMU, it wins over the ELF headers when its flag is set, so the file need not be ELF at all.
 * The image starts hdr_offset - (header_addr - load_addr) bytes into the file; load_end_addr 0
 * means "to the end of the file", bss_end_addr 0 means "no bss".
 */
#include "aout_load.h"

#include "fail.h"
#include "kernel_file.h"
#include "load_target.h"
#include "string.h"

u32 aout_load(const struct mb_header *hdr, u32 hdr_offset)
{
    u32 file_size = kernel_file_size();
    if (hdr->header_addr < hdr->load_addr || hdr->header_addr - hdr->load_addr > hdr_offset)
        fail_value("Multiboot header has an inconsistent load_addr:", hdr->load_addr);
    u32 file_offset = hdr_offset - (hdr->header_addr - hdr->load_addr);

    u32 load_size;
    if (hdr->load_end_addr == 0) {
        load_size = file_size - file_offset;
    } else {
        if (hdr->load_end_addr < hdr->load_addr)
            fail_value("Multiboot header has load_end_addr below load_addr:", hdr->load_end_addr);
        load_size = hdr->load_end_addr - hdr->load_addr;
    }
    if (load_size > file_size - file_offset)
        fail_value("kernel file is truncated: the Multiboot load range runs past its end, size",
                   load_size);

    u32 mem_size = load_size;
    if (hdr->bss_end_addr != 0) {
        if (hdr->bss_end_addr < hdr->load_addr || hdr->bss_end_addr - hdr->load_addr < load_size)
            fail_value("Multiboot header has bss_end_addr below the loaded image:",
                       hdr->bss_end_addr);
        mem_size = hdr->bss_end_addr - hdr->load_addr;
    }
    load_target_check(hdr->load_addr, mem_size);

    u8 *dst = (u8 *)hdr->load_addr;
    kernel_file_read(file_offset, dst, load_size);
    memset(dst + load_size, 0, mem_size - load_size);
    return hdr->entry_addr;
}
