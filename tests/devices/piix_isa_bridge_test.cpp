// PIIX3 PIRQ routing: QEMU's pc wiring of slot pins to links, route registers, wired-OR levels,
// and the whole path from an edu INTA# to the 8259's INTR.
#include "devices/piix_isa_bridge.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "devices/abi/pci.h"
#include "devices/abi/pic8259.h"
#include "devices/pic8259.h"
#include "emu/board/pci_bus.h"

namespace ia32emu {
namespace {

struct Levels {
    std::map<unsigned, bool> level;
    std::map<unsigned, int> calls;
    PiixIsaBridge::PicInput input() {
        return [this](unsigned irq, bool l) {
            level[irq] = l;
            ++calls[irq];
        };
    }
};

// QEMU's pci_slot_get_pirq and SeaBIOS's piix_pci_slot_get_irq: (pin - 1 + slot - 1) mod 4.
TEST(PiixIsaBridge, SlotPinsRotateOverTheFourLinks) {
    EXPECT_EQ(PiixIsaBridge::pirq_of(1, 1), 0u);
    EXPECT_EQ(PiixIsaBridge::pirq_of(2, 1), 1u);
    EXPECT_EQ(PiixIsaBridge::pirq_of(3, 1), 2u);   // edu under QEMU's default pc machine
    EXPECT_EQ(PiixIsaBridge::pirq_of(4, 1), 3u);
    EXPECT_EQ(PiixIsaBridge::pirq_of(5, 1), 0u);
    EXPECT_EQ(PiixIsaBridge::pirq_of(3, 4), 1u);
    EXPECT_THROW(PiixIsaBridge::pirq_of(3, 0), std::invalid_argument);
    EXPECT_THROW(PiixIsaBridge::pirq_of(3, 5), std::invalid_argument);
}

TEST(PiixIsaBridge, IdentityAndRouteRegistersResetDisabled) {
    Levels pic;
    PiixIsaBridge bridge(pic.input());
    EXPECT_EQ(bridge.pci().config_read(PCI_VENDOR_ID, 4), (PCI_ISA_BRIDGE_DEVICE << 16) | PCI_ISA_BRIDGE_VENDOR);
    EXPECT_EQ(bridge.pci().config_read(PCI_REVISION_ID, 4) >> 8, 0x060100u);
    EXPECT_EQ(bridge.pci().config_read(PIIX_PIRQRC, 4), 0x80808080u);
    // A link asserted while its route is disabled reaches no input.
    bridge.link(0)(true);
    EXPECT_TRUE(pic.calls.empty());
    bridge.pci().config_write(PIIX_PIRQRC, 1, 10);
    EXPECT_TRUE(pic.level[10]);
}

TEST(PiixIsaBridge, LinksAreWiredOrAndFollowTheirRoutes) {
    Levels pic;
    PiixIsaBridge bridge(pic.input());
    bridge.pci().config_write(PIIX_PIRQRC, 4, 0x0b0b0a0a);   // SeaBIOS's 10, 10, 11, 11
    IrqLine a = bridge.link(0), b = bridge.link(1), a2 = bridge.link(0);
    a(true);
    b(true);
    EXPECT_EQ(pic.calls[10], 1);   // already high: the second link changes nothing
    a(false);
    EXPECT_TRUE(pic.level[10]);
    a2(true);
    b(false);
    EXPECT_TRUE(pic.level[10]);
    a2(false);
    EXPECT_FALSE(pic.level[10]);
    // Moving an asserted link lowers the old input and raises the new one.
    b(true);
    bridge.pci().config_write(PIIX_PIRQRC + 1, 1, 5);
    EXPECT_FALSE(pic.level[10]);
    EXPECT_TRUE(pic.level[5]);
    bridge.pci().config_write(PIIX_PIRQRC + 1, 1, PIIX_PIRQRC_DISABLE | 5);
    EXPECT_FALSE(pic.level[5]);
    EXPECT_EQ(pic.calls.count(11), 0u);
}

// A device's INTA# through the link its slot picks, the route, a level-triggered 8259 input, INTR.
TEST(PiixIsaBridge, DeviceInterruptReachesThe8259AsALevel) {
    Pic8259 pic;
    PortBus ports;
    PciBus bus(ports);
    PiixIsaBridge bridge([&](unsigned irq, bool level) { pic.set_irq(irq, level); });
    bus.add(PiixIsaBridge::kSlot, bridge.pci());
    PciIds ids;
    ids.vendor = 0x1234;
    ids.device = 0x11e8;
    ids.interrupt_pin = 1;
    PciFunction device(ids);
    bus.add(3, device);
    bridge.connect(device, 3);
    ports.attach(PIC_MASTER_CMD, 2, pic);
    ports.attach(PIC_SLAVE_CMD, 2, pic);
    ports.attach(PIC_ELCR_MASTER, 2, pic);

    ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000u | (PiixIsaBridge::kSlot << 11) | PIIX_PIRQRC);
    ports.write(PCI_CONFIG_DATA + 2, 1, 11);   // PIRQC#, where slot 3's INTA# goes
    ports.write(PIC_ELCR_SLAVE, 1, 1u << 3);
    for (uint8_t b : {0x11, 0x20, 0x04, 0x01, 0xfb})
        ports.write(b == 0x11 ? PIC_MASTER_CMD : PIC_MASTER_DATA, 1, b);
    for (uint8_t b : {0x11, 0x28, 0x02, 0x01, 0xf7})
        ports.write(b == 0x11 ? PIC_SLAVE_CMD : PIC_SLAVE_DATA, 1, b);

    auto eoi = [&] {
        ports.write(PIC_SLAVE_CMD, 1, PIC_OCW2_EOI);
        ports.write(PIC_MASTER_CMD, 1, PIC_OCW2_EOI);
    };
    device.set_intx(true);
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x2b);
    // A handler that ends the interrupt before the device lets go is interrupted again: the
    // input is level-triggered.
    eoi();
    ASSERT_TRUE(pic.intr());
    EXPECT_EQ(pic.acknowledge(), 0x2b);
    // Acknowledged at the device first, then the EOI: nothing more.
    device.set_intx(false);
    eoi();
    EXPECT_FALSE(pic.intr());
    EXPECT_EQ(pic.irr(1), 0);
}

}  // namespace
}  // namespace ia32emu
