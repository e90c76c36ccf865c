// PIRQ links: wired-OR levels routed to the 8259 inputs the route registers name.
#include "devices/piix_isa_bridge.h"

#include <stdexcept>
#include <string>

#include "devices/abi/pci.h"
#include "devices/abi/qemu_pci_ids.h"

namespace ia32emu {

namespace {
constexpr unsigned kPicInputs = 16;
constexpr unsigned kMaxDevicesPerLink = 32;

PciIds isa_bridge_ids() {
    PciIds ids;
    ids.vendor = PCI_ISA_BRIDGE_VENDOR;
    ids.device = PCI_ISA_BRIDGE_DEVICE;
    ids.class_code = 0x060100;
    ids.subsystem_vendor = PCI_SUBSYSTEM_VENDOR_QEMU;
    ids.subsystem = PCI_SUBSYSTEM_QEMU;
    return ids;
}
}  // namespace

PiixIsaBridge::PiixIsaBridge(PicInput pic) : pci_(isa_bridge_ids()), pic_(std::move(pic)) {
    if (!pic_)
        throw std::invalid_argument("PIIX ISA bridge: no 8259 to route to");
    for (unsigned i = 0; i < PIIX_PIRQ_COUNT; ++i)
        pci_.add_device_register(PIIX_PIRQRC + i, PIIX_PIRQRC_DISABLE, 0xff);
    pci_.set_write_listener([this](unsigned offset, unsigned size) {
        if (offset < PIIX_PIRQRC + PIIX_PIRQ_COUNT && offset + size > PIIX_PIRQRC)
            route();
    });
}

unsigned PiixIsaBridge::pirq_of(unsigned slot, unsigned pin) {
    if (pin < 1 || pin > 4)
        throw std::invalid_argument("PCI interrupt pin " + std::to_string(pin) + " is not INTA#-INTD#");
    return (pin - 1 + slot - 1) & 3;
}

void PiixIsaBridge::connect(PciFunction& fn, unsigned slot) {
    const unsigned pin = fn.ids().interrupt_pin;
    if (pin == 0)
        return;
    fn.connect_intx(link(pirq_of(slot, pin)));
}

IrqLine PiixIsaBridge::link(unsigned pirq) {
    if (pirq >= PIIX_PIRQ_COUNT)
        throw std::invalid_argument("PIRQ link " + std::to_string(pirq) + " out of range");
    if (connections_[pirq] == kMaxDevicesPerLink)
        throw std::invalid_argument("more than 32 devices on PIRQ link " + std::to_string(pirq));
    const unsigned device = connections_[pirq]++;
    return [this, pirq, device](bool level) { set_link(pirq, device, level); };
}

void PiixIsaBridge::set_link(unsigned pirq, unsigned device, bool level) {
    if (level)
        asserted_[pirq] |= 1u << device;
    else
        asserted_[pirq] &= ~(1u << device);
    route();
}

void PiixIsaBridge::route() {
    uint16_t high = 0;
    for (unsigned i = 0; i < PIIX_PIRQ_COUNT; ++i) {
        const unsigned irq = pci_.config_read(PIIX_PIRQRC + i, 1);
        if (irq < kPicInputs && asserted_[i] != 0)
            high |= static_cast<uint16_t>(1u << irq);
    }
    // A link moved away from an input lets it fall; only inputs that change are driven, so an
    // ISA device sharing a pin this bridge never held is left alone.
    const uint16_t changed = high ^ driven_;
    driven_ = high;
    for (unsigned irq = 0; irq < kPicInputs; ++irq)
        if (changed & (1u << irq))
            pic_(irq, (high >> irq) & 1);
}

}  // namespace ia32emu
