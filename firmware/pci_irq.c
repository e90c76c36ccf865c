/*
 * SeaBIOS's choice for the PIIX PIRQ links (IRQs 10, 10, 11, 11) is what kernels booted by QEMU
 * find in the interrupt line registers; using the same values keeps the edu device on IRQ 11 on
 * both boards. The slot rotation is the board's wiring (devices/piix_isa_bridge.h).
 */
#include "pci_irq.h"

#include "devices/abi/pic8259.h"
#include "pci_config.h"

static const u8 pirq_irq[PIIX_PIRQ_COUNT] = {10, 10, 11, 11};

static int find_isa_bridge(const u16 *functions, u32 count, u16 *bdf)
{
    for (u32 i = 0; i < count; i++)
        if (config_read16(functions[i], PCI_VENDOR_ID) == PCI_ISA_BRIDGE_VENDOR &&
            config_read16(functions[i], PCI_DEVICE_ID) == PCI_ISA_BRIDGE_DEVICE) {
            *bdf = functions[i];
            return 1;
        }
    return 0;
}

void pci_irq_setup(const u16 *functions, u32 count)
{
    u16 bridge;
    if (!find_isa_bridge(functions, count, &bridge))
        return;
    u8 elcr[2] = {0, 0};
    for (u32 link = 0; link < PIIX_PIRQ_COUNT; link++) {
        u8 irq = pirq_irq[link];
        elcr[irq >> 3] |= (u8)(1u << (irq & 7));
        config_write8(bridge, (u8)(PIIX_PIRQRC + link), irq);
    }
    outb(PIC_ELCR_MASTER, elcr[0]);
    outb(PIC_ELCR_SLAVE, elcr[1]);

    for (u32 i = 0; i < count; i++) {
        u8 pin = config_read8(functions[i], PCI_INTERRUPT_PIN);
        if (pin < 1 || pin > 4)
            continue;
        u32 link = (pin - 1u + PCI_BDF_SLOT(functions[i]) - 1u) & 3u;
        config_write8(functions[i], PCI_INTERRUPT_LINE, pirq_irq[link]);
    }
}
