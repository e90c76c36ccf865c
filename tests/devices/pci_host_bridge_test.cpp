// The host bridge as enumeration code sees it through configuration mechanism #1.
#include "devices/pci_host_bridge.h"

#include <gtest/gtest.h>

#include "devices/abi/pci.h"
#include "emu/board/pci_bus.h"

namespace ia32emu {
namespace {

TEST(PciHostBridge, Slot0HasI440fxIdentityAndNoBars) {
    PortBus ports;
    PciBus bus(ports);
    PciHostBridge bridge;
    bus.add(PciHostBridge::kSlot, bridge.pci());
    ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000u);
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), (PCI_HOST_BRIDGE_DEVICE << 16) | PCI_HOST_BRIDGE_VENDOR);
    ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000u | PCI_REVISION_ID);
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), 0x06000002u);
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA + 3, 1), 0x06u);
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA + 2, 2), 0x0600u);
    ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000u | PCI_HEADER_TYPE);
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA + 2, 1), 0u);
    for (unsigned bar = 0; bar < 6; ++bar) {
        ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000u | (PCI_BAR0 + bar * 4));
        ports.write(PCI_CONFIG_DATA, 4, 0xffffffff);
        EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), 0u) << "BAR " << bar;
    }
}

}  // namespace
}  // namespace ia32emu
