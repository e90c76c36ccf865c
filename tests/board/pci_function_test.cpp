// PciFunction's INTx# (PCI 2.3: status bit 3 and the command register's INTx disable) and its
// device-specific registers.
#include "emu/board/pci_function.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "devices/abi/pci.h"

namespace ia32emu {
namespace {

PciIds ids_with_pin() {
    PciIds ids;
    ids.vendor = 0x1234;
    ids.device = 0x5678;
    ids.interrupt_pin = 1;
    return ids;
}

TEST(PciFunctionIntx, StatusBitFollowsTheDeviceAndDisableHoldsTheWireLow) {
    PciFunction fn(ids_with_pin());
    std::vector<bool> wire;
    fn.connect_intx([&](bool level) { wire.push_back(level); });
    fn.set_intx(true);
    EXPECT_EQ(fn.config_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    fn.config_write(PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    // Disabled: the router sees the line fall, the status bit still shows the device's level.
    EXPECT_EQ(fn.config_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    fn.set_intx(false);
    fn.set_intx(true);
    fn.config_write(PCI_COMMAND, 2, 0);   // re-enabled while asserted: the line rises again
    EXPECT_EQ(wire, (std::vector<bool>{true, false, true}));
    fn.config_write(PCI_STATUS, 2, 0xffff);   // read-only
    EXPECT_EQ(fn.config_read(PCI_STATUS, 2), PCI_STATUS_INTERRUPT);
}

TEST(PciFunctionIntx, ConnectingAnAssertedFunctionDrivesTheNewWire) {
    PciFunction fn(ids_with_pin());
    fn.set_intx(true);
    bool level = false;
    fn.connect_intx([&](bool l) { level = l; });
    EXPECT_TRUE(level);
}

TEST(PciFunctionRegisters, DeviceRegistersResetAndMaskWrites) {
    PciFunction fn(ids_with_pin());
    fn.add_device_register(0x60, 0x80, 0x8f);
    EXPECT_EQ(fn.config_read(0x60, 1), 0x80u);
    std::vector<std::pair<unsigned, unsigned>> heard;
    fn.set_write_listener([&](unsigned offset, unsigned size) { heard.emplace_back(offset, size); });
    fn.config_write(0x60, 1, 0x7b);
    EXPECT_EQ(fn.config_read(0x60, 1), 0x0bu);
    EXPECT_EQ(heard, (std::vector<std::pair<unsigned, unsigned>>{{0x60, 1}}));
    EXPECT_THROW(fn.add_device_register(0x3f, 0, 0xff), std::invalid_argument);
    EXPECT_THROW(fn.add_device_register(0x100, 0, 0xff), std::invalid_argument);
}

}  // namespace
}  // namespace ia32emu
