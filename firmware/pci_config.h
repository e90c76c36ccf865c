/* PCI configuration mechanism #1 for bus 0: 8-, 16- and 32-bit register access by bus/device/function. */
#ifndef FW_PCI_CONFIG_H
#define FW_PCI_CONFIG_H

#include "devices/abi/pci.h"
#include "io.h"
#include "types.h"

#define PCI_BDF_SLOT(bdf) (((u32)(bdf) >> 3) & 0x1fu)

static inline u32 pci_config_address(u16 bdf, u8 reg)
{
    return 0x80000000u | (u32)bdf << 8 | (reg & 0xfcu);
}

static inline u32 config_read32(u16 bdf, u8 reg)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    return inl(PCI_CONFIG_DATA);
}

static inline void config_write32(u16 bdf, u8 reg, u32 v)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    outl(PCI_CONFIG_DATA, v);
}

static inline u16 config_read16(u16 bdf, u8 reg)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    return inw(PCI_CONFIG_DATA + (reg & 2));
}

static inline void config_write16(u16 bdf, u8 reg, u16 v)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    outw(PCI_CONFIG_DATA + (reg & 2), v);
}

static inline u8 config_read8(u16 bdf, u8 reg)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    return inb(PCI_CONFIG_DATA + (reg & 3));
}

static inline void config_write8(u16 bdf, u8 reg, u8 v)
{
    outl(PCI_CONFIG_ADDRESS, pci_config_address(bdf, reg));
    outb(PCI_CONFIG_DATA + (reg & 3), v);
}

#endif
