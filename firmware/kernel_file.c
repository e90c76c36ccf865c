/*
 * The kernel file through FW_CFG_KERNEL_DATA. Reading forward only skips bytes; reading backward
 * reselects the item (which rewinds it) and skips from the start, so callers that go in file
 * order, as the loaders do, stream the file exactly once unless they read another item meanwhile.
 */
#include "kernel_file.h"

#include "devices/abi/fw_cfg.h"
#include "fail.h"
#include "fwcfg.h"

static u32 size;
static u32 pos;

void kernel_file_open(void)
{
    size = fwcfg_read_u32(FW_CFG_KERNEL_SIZE);
    if (size == 0)
        fail("no kernel image (fw_cfg kernel size is 0)");
    fwcfg_select(FW_CFG_KERNEL_DATA);
    pos = 0;
}

u32 kernel_file_size(void)
{
    return size;
}

void kernel_file_read(u32 offset, void *dst, u32 n)
{
    if (offset > size || n > size - offset)
        fail_value("kernel file is truncated: data wanted past its end at offset", offset);
    /* Other items may have been read since: the stream position is then lost too. */
    if (offset < pos || fwcfg_selected() != FW_CFG_KERNEL_DATA) {
        fwcfg_select(FW_CFG_KERNEL_DATA);
        pos = 0;
    }
    fwcfg_skip(offset - pos);
    fwcfg_read(dst, n);
    pos = offset + n;
}
