/* PCI configuration mechanism #1 on bus 0: lookup by vendor:device, BAR sizing, command bits. */
#include "drivers/pci.h"
#include "arch/io.h"
#include "lib/string.h"

#define PCI_SLOTS 32
#define PCI_FUNCS 8
#define PCI_HEADER_MULTI_FUNCTION 0x80
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_ADDR_MASK 0xfffffff0u
#define PCI_BAR_IO_ADDR_MASK 0xfffffffcu

static u32 config_address(u8 bus, u8 slot, u8 func, u8 where)
{
    return 0x80000000u | (u32)bus << 16 | (u32)slot << 11 | (u32)func << 8 | (where & 0xfcu);
}

static u32 conf_read32(u8 bus, u8 slot, u8 func, u8 where)
{
    outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, where));
    return inl(PCI_CONFIG_DATA);
}

static void conf_write32(u8 bus, u8 slot, u8 func, u8 where, u32 val)
{
    outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, where));
    outl(PCI_CONFIG_DATA, val);
}

u32 pci_read_config_dword(const struct pci_dev *pdev, u8 where)
{
    return conf_read32(pdev->bus, pdev->slot, pdev->func, where);
}

void pci_write_config_dword(const struct pci_dev *pdev, u8 where, u32 val)
{
    conf_write32(pdev->bus, pdev->slot, pdev->func, where, val);
}

u16 pci_read_config_word(const struct pci_dev *pdev, u8 where)
{
    outl(PCI_CONFIG_ADDRESS, config_address(pdev->bus, pdev->slot, pdev->func, where));
    return inw(PCI_CONFIG_DATA + (where & 2));
}

void pci_write_config_word(const struct pci_dev *pdev, u8 where, u16 val)
{
    outl(PCI_CONFIG_ADDRESS, config_address(pdev->bus, pdev->slot, pdev->func, where));
    outw(PCI_CONFIG_DATA + (where & 2), val);
}

/*
 * Sizing writes all-ones to the BAR, which would move the decode window onto the top of the
 * address space while decoding is on; so decoding is off for the duration, as Linux does.
 */
static void read_bars(struct pci_dev *pdev)
{
    u16 cmd = pci_read_config_word(pdev, PCI_COMMAND);
    pci_write_config_word(pdev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        u8 reg = (u8)(PCI_BAR0 + 4 * i);
        u32 orig = pci_read_config_dword(pdev, reg);
        pci_write_config_dword(pdev, reg, 0xffffffffu);
        u32 mask = pci_read_config_dword(pdev, reg);
        pci_write_config_dword(pdev, reg, orig);
        if (mask == 0 || mask == 0xffffffffu)
            continue;
        u32 addr_mask = (mask & PCI_BAR_IO) ? PCI_BAR_IO_ADDR_MASK : PCI_BAR_MEM_ADDR_MASK;
        u32 size = ~(mask & addr_mask) + 1;
        if (mask & PCI_BAR_IO)
            size &= 0xffff;
        pdev->resource_start[i] = orig & addr_mask;
        pdev->resource_len[i] = size;
        pdev->resource_flags[i] = orig & ~addr_mask;
        /* The upper half of a 64-bit BAR is not a BAR of its own; bus addresses here fit 32 bits. */
        if (!(mask & PCI_BAR_IO) && (mask & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64)
            i++;
    }
    pci_write_config_word(pdev, PCI_COMMAND, cmd);
}

static bool match(u8 slot, u8 func, u16 vendor, u16 device, struct pci_dev *pdev)
{
    u32 id = conf_read32(0, slot, func, PCI_VENDOR_ID);
    if ((id & 0xffff) != vendor || (id >> 16) != device)
        return false;
    memset(pdev, 0, sizeof(*pdev));
    pdev->slot = slot;
    pdev->func = func;
    pdev->vendor = vendor;
    pdev->device = device;
    pdev->dev.dma_mask = DMA_BIT_MASK(32);
    pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
    pdev->dev.dma_parms = &pdev->dma_parms;
    read_bars(pdev);
    return true;
}

bool pci_find_device(u16 vendor, u16 device, struct pci_dev *pdev)
{
    for (u8 slot = 0; slot < PCI_SLOTS; slot++) {
        u32 id = conf_read32(0, slot, 0, PCI_VENDOR_ID);
        if ((id & 0xffff) == 0xffff)
            continue;
        u8 header = (u8)(conf_read32(0, slot, 0, PCI_HEADER_TYPE) >> ((PCI_HEADER_TYPE & 3) * 8));
        u8 funcs = (header & PCI_HEADER_MULTI_FUNCTION) ? PCI_FUNCS : 1;
        for (u8 func = 0; func < funcs; func++)
            if (match(slot, func, vendor, device, pdev))
                return true;
    }
    return false;
}

void pci_enable_device(struct pci_dev *pdev)
{
    u16 want = 0;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        if (!pdev->resource_len[i])
            continue;
        want |= (pdev->resource_flags[i] & PCI_BAR_IO) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
    }
    u16 cmd = pci_read_config_word(pdev, PCI_COMMAND);
    if ((cmd & want) != want)
        pci_write_config_word(pdev, PCI_COMMAND, cmd | want);
}

void pci_set_master(struct pci_dev *pdev)
{
    u16 cmd = pci_read_config_word(pdev, PCI_COMMAND);
    if (!(cmd & PCI_COMMAND_MASTER))
        pci_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
}

void pci_clear_master(struct pci_dev *pdev)
{
    u16 cmd = pci_read_config_word(pdev, PCI_COMMAND);
    if (cmd & PCI_COMMAND_MASTER)
        pci_write_config_word(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
}
