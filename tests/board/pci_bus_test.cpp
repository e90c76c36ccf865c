// PCI configuration mechanism #1, BAR sizing and BAR decode notifications, through the port bus.
#include "emu/board/pci_bus.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "devices/abi/pci.h"

namespace ia32emu {
namespace {

struct NullMmio : MmioDevice {
    uint32_t mmio_read(uint64_t, unsigned) override { return 0; }
    void mmio_write(uint64_t, unsigned, uint32_t) override {}
};

struct OffsetPort : PortDevice {
    std::vector<uint16_t> seen;
    uint32_t io_read(uint16_t port, unsigned) override {
        seen.push_back(port);
        return 0x40u + port;
    }
    void io_write(uint16_t port, unsigned, uint32_t) override { seen.push_back(port); }
};

uint32_t address(unsigned slot, unsigned reg, unsigned bus = 0, unsigned fn = 0) {
    return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (reg & 0xfc);
}

class PciBusTest : public ::testing::Test {
protected:
    PciIds ids() {
        PciIds i;
        i.vendor = 0x1234;
        i.device = 0x5678;
        i.class_code = 0x038000;
        i.revision = 7;
        i.interrupt_pin = 1;
        return i;
    }
    uint32_t cfg_read(unsigned slot, unsigned reg, unsigned size) {
        ports.write(PCI_CONFIG_ADDRESS, 4, address(slot, reg));
        return ports.read(static_cast<uint16_t>(PCI_CONFIG_DATA + (reg & 3)), size);
    }
    void cfg_write(unsigned slot, unsigned reg, unsigned size, uint32_t value) {
        ports.write(PCI_CONFIG_ADDRESS, 4, address(slot, reg));
        ports.write(static_cast<uint16_t>(PCI_CONFIG_DATA + (reg & 3)), size, value);
    }

    PortBus ports;
    PciBus bus{ports};
    NullMmio mmio;
    PciFunction fn{ids()};
    std::vector<std::tuple<unsigned, uint64_t, uint64_t, bool>> events;
};

TEST_F(PciBusTest, ConfigAddressIsA32BitRegisterWithReservedBitsClear) {
    ports.write(PCI_CONFIG_ADDRESS, 4, 0xffffffff);
    EXPECT_EQ(ports.read(PCI_CONFIG_ADDRESS, 4), 0x80fffffcu);
    ports.write(PCI_CONFIG_ADDRESS, 4, 0x80000000);
    EXPECT_EQ(ports.read(PCI_CONFIG_ADDRESS, 4), 0x80000000u);
    ports.write(PCI_CONFIG_ADDRESS, 1, 0x00);  // byte writes do not reach CONFIG_ADDRESS
    EXPECT_EQ(bus.config_address(), 0x80000000u);
    EXPECT_EQ(ports.read(PCI_CONFIG_ADDRESS, 2), 0xffffu);
}

TEST_F(PciBusTest, ReadsIdsInDwordWordAndByteAccesses) {
    bus.add(3, fn);
    EXPECT_EQ(cfg_read(3, 0x00, 4), 0x56781234u);
    EXPECT_EQ(cfg_read(3, 0x02, 2), 0x5678u);
    EXPECT_EQ(cfg_read(3, 0x03, 1), 0x56u);
    EXPECT_EQ(cfg_read(3, 0x08, 4), 0x03800007u);
    EXPECT_EQ(cfg_read(3, 0x0b, 1), 0x03u);
    EXPECT_EQ(cfg_read(3, 0x0e, 1), 0x00u);  // header type 0
    EXPECT_EQ(cfg_read(3, PCI_INTERRUPT_PIN, 1), 1u);
}

TEST_F(PciBusTest, AbsentFunctionsAndDisabledCyclesReadAllOnes) {
    bus.add(3, fn);
    EXPECT_EQ(cfg_read(4, 0, 4), 0xffffffffu);
    EXPECT_EQ(cfg_read(4, 0, 2), 0xffffu);
    ports.write(PCI_CONFIG_ADDRESS, 4, address(3, 0, 1));  // bus 1
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), 0xffffffffu);
    ports.write(PCI_CONFIG_ADDRESS, 4, address(3, 0, 0, 1));  // function 1
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), 0xffffffffu);
    ports.write(PCI_CONFIG_ADDRESS, 4, address(3, 0) & 0x7fffffff);  // enable bit clear
    EXPECT_EQ(ports.read(PCI_CONFIG_DATA, 4), 0xffffffffu);
    ports.write(PCI_CONFIG_DATA, 4, 0);  // dropped, must not crash
}

TEST_F(PciBusTest, CommandRegisterKeepsOnlyWritableBits) {
    bus.add(1, fn);
    cfg_write(1, PCI_COMMAND, 2, 0xffff);
    EXPECT_EQ(cfg_read(1, PCI_COMMAND, 2), 0x0407u);
    EXPECT_TRUE(fn.bus_master_enabled());
    cfg_write(1, PCI_COMMAND, 1, PCI_COMMAND_MEMORY);  // byte write leaves INTx disable alone
    EXPECT_EQ(cfg_read(1, PCI_COMMAND, 2), 0x0402u);
    EXPECT_FALSE(fn.bus_master_enabled());
    EXPECT_TRUE(fn.memory_enabled());
    cfg_write(1, 0x00, 4, 0);  // IDs are read-only
    EXPECT_EQ(cfg_read(1, 0x00, 4), 0x56781234u);
    cfg_write(1, PCI_INTERRUPT_LINE, 1, 11);
    EXPECT_EQ(cfg_read(1, PCI_INTERRUPT_LINE, 1), 11u);
}

TEST_F(PciBusTest, MemoryBarSizingReadsBackSizeMaskWithTypeBits) {
    fn.add_memory_bar(0, 16 << 20, true, mmio);
    fn.add_memory_bar(2, 4096, false, mmio);
    bus.add(2, fn);
    EXPECT_EQ(cfg_read(2, PCI_BAR0, 4), 0x8u);
    cfg_write(2, PCI_BAR0, 4, 0xffffffff);
    EXPECT_EQ(cfg_read(2, PCI_BAR0, 4), 0xff000008u);
    cfg_write(2, PCI_BAR0 + 8, 4, 0xffffffff);
    EXPECT_EQ(cfg_read(2, PCI_BAR0 + 8, 4), 0xfffff000u);
    cfg_write(2, PCI_BAR0 + 4, 4, 0xffffffff);  // undeclared BAR stays 0
    EXPECT_EQ(cfg_read(2, PCI_BAR0 + 4, 4), 0u);
    cfg_write(2, PCI_BAR0, 4, 0xfd123456);
    EXPECT_EQ(cfg_read(2, PCI_BAR0, 4), 0xfd000008u);
    EXPECT_EQ(fn.bar_base(0), 0xfd000000u);
    cfg_write(2, PCI_BAR0 + 3, 1, 0xfc);  // a byte write to the top of the BAR
    EXPECT_EQ(fn.bar_base(0), 0xfc000000u);
}

TEST_F(PciBusTest, IoBarSizingAndRoutingThroughThePortBus) {
    OffsetPort regs;
    fn.add_io_bar(1, 16, regs);
    bus.add(5, fn);
    cfg_write(5, PCI_BAR0 + 4, 4, 0xffffffff);
    EXPECT_EQ(cfg_read(5, PCI_BAR0 + 4, 4), 0x0000fff1u);
    cfg_write(5, PCI_BAR0 + 4, 4, 0xc000);
    EXPECT_EQ(ports.read(0xc004, 1), 0xffu);  // I/O decoding still off
    cfg_write(5, PCI_COMMAND, 2, PCI_COMMAND_IO);
    EXPECT_EQ(ports.read(0xc004, 1), 0x44u);
    ASSERT_EQ(regs.seen.size(), 1u);
    EXPECT_EQ(regs.seen[0], 4);  // the device sees the offset inside its BAR
    cfg_write(5, PCI_COMMAND, 2, 0);
    EXPECT_EQ(ports.read(0xc004, 1), 0xffu);
}

TEST_F(PciBusTest, ListenerHearsMemoryBarsDecodeMoveAndStop) {
    fn.add_memory_bar(0, 1 << 20, false, mmio);
    bus.set_bar_listener([&](PciFunction& f, unsigned bar, uint64_t base, uint64_t size, bool mapped) {
        EXPECT_EQ(&f, &fn);
        events.emplace_back(bar, base, size, mapped);
    });
    bus.add(4, fn);
    cfg_write(4, PCI_BAR0, 4, 0xfe000000);
    EXPECT_TRUE(events.empty());  // memory decoding off
    cfg_write(4, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], std::make_tuple(0u, 0xfe000000ull, 1ull << 20, true));
    EXPECT_EQ(bus.decoded_base(4, 0), 0xfe000000u);

    cfg_write(4, PCI_BAR0, 4, 0xfe100000);  // move while decoding: unmap, then map
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[1], std::make_tuple(0u, 0xfe000000ull, 1ull << 20, false));
    EXPECT_EQ(events[2], std::make_tuple(0u, 0xfe100000ull, 1ull << 20, true));

    cfg_write(4, PCI_BAR0, 4, 0xffffffff);  // sizing with decoding on parks it outside the window
    ASSERT_EQ(events.size(), 4u);
    EXPECT_FALSE(std::get<3>(events[3]));
    EXPECT_FALSE(bus.decoded_base(4, 0).has_value());

    cfg_write(4, PCI_BAR0, 4, 0xfe100000);
    cfg_write(4, PCI_COMMAND, 2, 0);
    ASSERT_EQ(events.size(), 6u);
    EXPECT_EQ(events[5], std::make_tuple(0u, 0xfe100000ull, 1ull << 20, false));
    cfg_write(4, PCI_COMMAND, 2, PCI_COMMAND_IO);  // unrelated bits: no event
    EXPECT_EQ(events.size(), 6u);
}

TEST_F(PciBusTest, BarsBelowTheMmioWindowNeverDecode) {
    fn.add_memory_bar(0, 4096, false, mmio);
    bus.set_bar_listener([&](PciFunction&, unsigned bar, uint64_t base, uint64_t size, bool mapped) {
        events.emplace_back(bar, base, size, mapped);
    });
    bus.add(4, fn);
    cfg_write(4, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    cfg_write(4, PCI_BAR0, 4, 0x00100000);  // over RAM
    EXPECT_TRUE(events.empty());
}

TEST_F(PciBusTest, RejectsBadDeclarations) {
    EXPECT_THROW(fn.add_memory_bar(0, 3000, false, mmio), std::invalid_argument);
    EXPECT_THROW(fn.add_memory_bar(6, 4096, false, mmio), std::invalid_argument);
    fn.add_memory_bar(0, 4096, false, mmio);
    EXPECT_THROW(fn.add_memory_bar(0, 4096, false, mmio), std::invalid_argument);
    uint8_t small[16];
    EXPECT_THROW(fn.add_memory_bar(1, 4096, true, small, sizeof small), std::invalid_argument);
    bus.add(0, fn);
    PciFunction other{ids()};
    EXPECT_THROW(bus.add(0, other), std::invalid_argument);
    EXPECT_THROW(bus.add(32, other), std::invalid_argument);
}

}  // namespace
}  // namespace ia32emu
