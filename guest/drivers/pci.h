/* PCI bus 0 through configuration mechanism #1: finding a function by ID, its BARs, enabling it. */
#ifndef GUEST_DRIVERS_PCI_H
#define GUEST_DRIVERS_PCI_H

#include "devices/abi/pci.h"
#include "dma/device.h"
#include "lib/types.h"

#define PCI_NUM_BARS 6

struct pci_dev {
    u8 bus, slot, func;
    u16 vendor, device;
    u32 resource_start[PCI_NUM_BARS];  /* bus address of each BAR, type bits removed; 0 if absent */
    u32 resource_len[PCI_NUM_BARS];    /* decoded size in bytes; 0 if the BAR is not implemented */
    u32 resource_flags[PCI_NUM_BARS];  /* the BAR's low type bits (PCI_BAR_IO, PCI_BAR_MEM_PREFETCH) */
    struct device dev;                 /* what the DMA API is handed */
    struct device_dma_parameters dma_parms;   /* dev.dma_parms points here, as Linux's PCI core does */
};

u32 pci_read_config_dword(const struct pci_dev *pdev, u8 where);
u16 pci_read_config_word(const struct pci_dev *pdev, u8 where);
void pci_write_config_dword(const struct pci_dev *pdev, u8 where, u32 val);
void pci_write_config_word(const struct pci_dev *pdev, u8 where, u16 val);

/*
 * Scans bus 0 (every slot, every function of multi-function devices) for vendor:device and fills
 * pdev, sizing each BAR; false if there is no such function. dev.dma_mask starts at 32 bits, as
 * Linux's default for PCI devices; drivers narrow it with dma_set_mask.
 */
bool pci_find_device(u16 vendor, u16 device, struct pci_dev *pdev);

static inline u32 pci_resource_start(const struct pci_dev *pdev, int bar)
{
    return pdev->resource_start[bar];
}

static inline u32 pci_resource_len(const struct pci_dev *pdev, int bar)
{
    return pdev->resource_len[bar];
}

/* Turns on memory (and I/O) decoding for the BARs the function implements. */
void pci_enable_device(struct pci_dev *pdev);
/* Sets the bus-master bit: without it a device may not start DMA. */
void pci_set_master(struct pci_dev *pdev);
void pci_clear_master(struct pci_dev *pdev);

#endif
