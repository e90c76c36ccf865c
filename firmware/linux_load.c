/*
 * Linux boot, the split QEMU's -kernel uses: the host has read the bzImage and filled boot_params
 * (setup header, E820 map, command line and initrd addresses); the firmware only copies the four
 * pieces where the host said and enters the protected-mode kernel as the 32-bit boot protocol
 * asks (boot.rst): flat segments, interrupts off, ESI = boot_params, EBP = EDI = EBX = 0.
 */
#include "linux_load.h"

#include "devices/abi/fw_cfg.h"
#include "fail.h"
#include "fwcfg.h"
#include "load_target.h"

__attribute__((noreturn)) void boot_linux(u32 entry, u32 boot_params);

int linux_boot_requested(void)
{
    return fwcfg_read_u32(FW_CFG_SETUP_SIZE) != 0;
}

/* Copies item `data` (its size in `size_key`) to the address in `addr_key`. */
static void copy_item(u16 addr_key, u16 size_key, u16 data)
{
    u32 addr = fwcfg_read_u32(addr_key);
    u32 size = fwcfg_read_u32(size_key);
    load_target_check(addr, size);
    fwcfg_select(data);
    fwcfg_read((void *)addr, size);
}

void linux_boot(void)
{
    copy_item(FW_CFG_SETUP_ADDR, FW_CFG_SETUP_SIZE, FW_CFG_SETUP_DATA);
    copy_item(FW_CFG_CMDLINE_ADDR, FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA);
    copy_item(FW_CFG_KERNEL_ADDR, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA);
    copy_item(FW_CFG_INITRD_ADDR, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA);
    boot_linux(fwcfg_read_u32(FW_CFG_KERNEL_ENTRY), fwcfg_read_u32(FW_CFG_SETUP_ADDR));
}
