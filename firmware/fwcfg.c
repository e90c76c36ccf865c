/* fw_cfg over I/O ports: a 16-bit key to the selector, then a byte stream from the data port. */
#include "fwcfg.h"

#include "devices/abi/fw_cfg.h"
#include "io.h"

int fwcfg_present(void)
{
    return fwcfg_read_u32(FW_CFG_SIGNATURE) == FW_CFG_SIGNATURE_VALUE;
}

static u16 selected;

void fwcfg_select(u16 key)
{
    outw(FW_CFG_PORT_SEL, key);
    selected = key;
}

u16 fwcfg_selected(void)
{
    return selected;
}

void fwcfg_read(void *dst, u32 n)
{
    insb(FW_CFG_PORT_DATA, dst, n);
}

void fwcfg_skip(u32 n)
{
    u8 chunk[64];
    while (n > 0) {
        u32 step = n < sizeof(chunk) ? n : sizeof(chunk);
        fwcfg_read(chunk, step);
        n -= step;
    }
}

u32 fwcfg_read_u32(u16 key)
{
    u8 b[4];
    fwcfg_select(key);
    fwcfg_read(b, sizeof(b));
    return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

u64 fwcfg_read_u64(u16 key)
{
    u8 b[8];
    u64 v = 0;
    fwcfg_select(key);
    fwcfg_read(b, sizeof(b));
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}
