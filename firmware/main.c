/*
 * Firmware main line. The board's ROM (64 KiB, mapped at 0xf0000 and 0xffff0000) starts in real
 * mode at F000:FFF0; entry.S switches to flat 32-bit protected mode and calls fw_main, which:
 *   1. checks for fw_cfg (devices/abi/fw_cfg.h),
 *   2. initialises the 8259s as SeaBIOS does (pic_setup.c),
 *      assigns PCI BARs and interrupt lines on bus 0 (pci_setup.c, pci_irq.c),
 *   3. reads the E820 map (e820.c),
 *   4. loads the Multiboot v1 kernel from FW_CFG_KERNEL_DATA (kernel_load.c: ELF or a.out kludge),
 *   5. builds the Multiboot information in low RAM (mbi.c, addresses in layout.h),
 *   6. jumps to the kernel with EAX=0x2BADB002, EBX=&mbi (handoff.S).
 * A Linux bzImage (the host sets FW_CFG_SETUP_SIZE) replaces steps 3-6 by linux_load.c.
 * A normal boot prints nothing. Any failure prints one "ia32emu firmware: ..." line on COM1 and
 * writes FIRMWARE_EXIT_LOAD_FAILED to the exit port (fail.c).
 */
#include "devices/abi/fw_cfg.h"
#include "devices/abi/pci.h"
#include "e820.h"
#include "fail.h"
#include "fwcfg.h"
#include "kernel_load.h"
#include "linux_load.h"
#include "mbi.h"
#include "pci_setup.h"
#include "pic_setup.h"

__attribute__((noreturn)) void boot_kernel(u32 entry, u32 mbi);
__attribute__((noreturn)) void fw_main(void);

void fw_main(void)
{
    if (!fwcfg_present())
        fail("no fw_cfg interface: the \"QEMU\" signature is missing at port 0x510");

    pic_setup();
    /* QEMU's fw_cfg has no PCI-hole item and reads 0 for it; its hole starts at the default. */
    u32 hole = fwcfg_read_u32(FW_CFG_PCI_HOLE);
    pci_setup(hole != 0 ? hole : PCI_DEFAULT_HOLE_START);

    e820_load();
    if (linux_boot_requested())
        linux_boot();
    u32 entry = kernel_load();
    u32 mbi = mbi_build();
    boot_kernel(entry, mbi);
}
