/*
 * Firmware configuration interface, modelled on QEMU's fw_cfg port interface: write a 16-bit key
 * to the selector port, then read the item's bytes one at a time from the data port. Selecting a
 * key rewinds it to offset 0; reads past the end return 0. Multi-byte values are little-endian.
 */
#ifndef IA32EMU_ABI_FW_CFG_H
#define IA32EMU_ABI_FW_CFG_H

#define FW_CFG_PORT_SEL 0x510   /* 16-bit write */
#define FW_CFG_PORT_DATA 0x511  /* 8-bit read */

#define FW_CFG_SIGNATURE 0x0000     /* "QEMU", as on QEMU, so probing code finds it */
#define FW_CFG_ID 0x0001            /* u32 interface revision: 1 */
#define FW_CFG_RAM_SIZE 0x0003      /* u64 bytes of RAM, including what the hole displaces */
#define FW_CFG_KERNEL_ADDR 0x0007   /* Linux: u32 physical address of the protected-mode kernel */
#define FW_CFG_KERNEL_SIZE 0x0008   /* u32 bytes of the kernel file (Linux: of its protected-mode part) */
#define FW_CFG_INITRD_ADDR 0x000a   /* Linux: u32 physical address of the initrd */
#define FW_CFG_INITRD_SIZE 0x000b   /* Linux: u32 bytes of the initrd */
#define FW_CFG_KERNEL_ENTRY 0x0010  /* Linux: u32 32-bit entry point (code32_start) */
#define FW_CFG_KERNEL_DATA 0x0011   /* the kernel ELF file, unmodified (Linux: its protected-mode part) */
#define FW_CFG_INITRD_DATA 0x0012   /* Linux: the initrd file, unmodified */
#define FW_CFG_CMDLINE_ADDR 0x0013  /* Linux: u32 physical address for the command line */
#define FW_CFG_CMDLINE_SIZE 0x0014  /* u32 bytes of the command line including its NUL */
#define FW_CFG_CMDLINE_DATA 0x0015  /* NUL-terminated; Multiboot: starts with the kernel's path, as QEMU's */
#define FW_CFG_SETUP_ADDR 0x0016    /* Linux: u32 physical address of boot_params */
#define FW_CFG_SETUP_SIZE 0x0017    /* Linux: u32 bytes of boot_params; nonzero selects a Linux boot */
#define FW_CFG_SETUP_DATA 0x0018    /* Linux: boot_params as the host filled it (setup header, E820) */
#define FW_CFG_E820 0x8000          /* u32 count, then count * struct fw_cfg_e820_entry */
#define FW_CFG_PCI_HOLE 0x8001      /* u32 start of the PCI MMIO hole (RAM stops below it) */
/* u64, bit N set: the loader leaves ELF program header N out (a headers-only segment the host
 * found outside usable RAM; QEMU would copy it into its BIOS shadow RAM). */
#define FW_CFG_SKIPPED_PHDRS 0x8002
/* Multiboot modules: u32 count, then count * struct fw_cfg_module, then each module's command
 * line, NUL-terminated, in the same order. The host has placed them (page-aligned above the
 * kernel, as QEMU does) and checked that they fit in RAM. */
#define FW_CFG_MODULES 0x8003
/* The modules' bytes, one after the other in the order of FW_CFG_MODULES. */
#define FW_CFG_MODULE_DATA 0x8004
#define FW_CFG_MAX_MODULES 64

/* The most program headers the firmware's loader takes; the host refuses more up front. */
#define FW_CFG_MAX_PHDRS 64

#define FW_CFG_SIGNATURE_VALUE 0x554d4551u /* "QEMU" read as a little-endian u32 */

#define E820_RAM 1
#define E820_RESERVED 2

struct fw_cfg_e820_entry {
    unsigned long long base;
    unsigned long long length;
    unsigned int type;
} __attribute__((packed));

struct fw_cfg_module {
    unsigned int load_addr;
    unsigned int size;
    unsigned int cmdline_size; /* including the NUL */
} __attribute__((packed));

#endif
