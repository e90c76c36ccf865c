// edu DMA engine: QEMU-compatible registers, modelled completion, and each rejection rule.
#include "devices/edu_dma.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/abi/edu.h"
#include "devices/abi/pci.h"

namespace ia32emu {
namespace {

constexpr uint64_t kRamSize = 2u << 20;
constexpr uint64_t kBufA = 0x100000;
constexpr uint64_t kBufB = 0x180000;

struct Checker : DmaMappingChecker {
    DmaVerdict verdict;
    std::vector<std::pair<uint64_t, uint64_t>> asked;
    DmaVerdict check(uint64_t bus, uint64_t len, bool) override {
        asked.emplace_back(bus, len);
        return verdict;
    }
};

struct Sink : DmaFaultSink {
    std::vector<DmaFault> faults;
    void dma_rejected(const DmaFault& f) override { faults.push_back(f); }
};

class EduTest : public ::testing::Test {
protected:
    EduTest() {
        edu.set_fault_sink(&sink);
        for (uint64_t i = 0; i < 4096; ++i)
            ram[kBufA + i] = static_cast<uint8_t>(i * 7 + 1);
    }
    static EduDmaConfig config(unsigned mask_bits = 28) {
        EduDmaConfig c;
        c.dma_mask_bits = mask_bits;
        c.latency_cycles = 100;
        c.bytes_per_cycle = 8;
        return c;
    }
    uint32_t rd(uint64_t off) { return edu.mmio_read(off, 4); }
    void wr(uint64_t off, uint32_t v) { edu.mmio_write(off, 4, v); }
    void master(bool on) { edu.pci().config_write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | (on ? PCI_COMMAND_MASTER : 0)); }
    void dma(uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd) {
        wr(EDU_DMA_SRC, static_cast<uint32_t>(src));
        wr(EDU_DMA_DST, static_cast<uint32_t>(dst));
        wr(EDU_DMA_COUNT, count);
        wr(EDU_DMA_CMD, cmd);
    }
    uint32_t rule() { return (rd(EDU_STATUS) & EDU_STATUS_DMA_RULE_MASK) >> EDU_STATUS_DMA_RULE_SHIFT; }

    std::vector<uint8_t> ram = std::vector<uint8_t>(kRamSize, 0);
    PhysicalMemory mem{ram.data(), ram.size(), PhysicalMemory::pc_ram_ranges(kRamSize, 0xe0000000)};
    uint64_t cycle = 1000;
    Sink sink;
    EduDma edu{mem, [this] { return cycle; }, config()};
};

TEST_F(EduTest, PciIdentityAndBar) {
    EXPECT_EQ(edu.pci().config_read(0, 4), 0x11e81234u);
    EXPECT_EQ(edu.pci().config_read(PCI_REVISION_ID, 4), 0xff000010u);
    edu.pci().config_write(PCI_BAR0, 4, 0xffffffff);
    EXPECT_EQ(edu.pci().config_read(PCI_BAR0, 4), 0xfff00000u);
    EXPECT_EQ(edu.pci().bar(0)->mmio, &edu);
    EXPECT_EQ(edu.pci().config_read(PCI_INTERRUPT_PIN, 1), 1u);
    EXPECT_EQ(edu.dma_mask(), 0x0fffffffu);
}

TEST_F(EduTest, IdentLivenessFactorialAndAccessSizes) {
    EXPECT_EQ(rd(EDU_IDENT), EDU_IDENT_VALUE);
    wr(EDU_LIVENESS, 0x12345678);
    EXPECT_EQ(rd(EDU_LIVENESS), ~0x12345678u);
    wr(EDU_FACTORIAL, 10);
    EXPECT_EQ(rd(EDU_STATUS) & EDU_STATUS_COMPUTING, 0u);
    EXPECT_EQ(rd(EDU_FACTORIAL), 3628800u);
    wr(EDU_FACTORIAL, 13);
    EXPECT_EQ(rd(EDU_FACTORIAL), 1932053504u);  // 13! wraps modulo 2^32, as on QEMU
    wr(EDU_FACTORIAL, 0xffffffff);
    EXPECT_EQ(rd(EDU_FACTORIAL), 0u);
    EXPECT_EQ(edu.mmio_read(EDU_IDENT, 2), 0xffffffffu);  // only 32-bit accesses
    edu.mmio_write(EDU_LIVENESS, 1, 0);
    EXPECT_EQ(rd(EDU_LIVENESS), ~0x12345678u);
    EXPECT_EQ(rd(0x10), 0xffffffffu);
}

TEST_F(EduTest, IrqRaiseAckAndFactorialInterrupt) {
    wr(EDU_IRQ_RAISE, 0x30);
    EXPECT_EQ(rd(EDU_IRQ_STATUS), 0x30u);
    EXPECT_TRUE(edu.irq_pending());
    wr(EDU_IRQ_ACK, 0x10);
    EXPECT_EQ(rd(EDU_IRQ_STATUS), 0x20u);
    wr(EDU_IRQ_ACK, 0x20);
    EXPECT_FALSE(edu.irq_pending());
    wr(EDU_STATUS, EDU_STATUS_IRQ_FACT);
    EXPECT_EQ(rd(EDU_STATUS), EDU_STATUS_IRQ_FACT);
    wr(EDU_FACTORIAL, 3);
    EXPECT_EQ(rd(EDU_IRQ_STATUS), EDU_IRQ_FACT);
    wr(EDU_STATUS, 0);
    EXPECT_EQ(rd(EDU_STATUS), 0u);
}

TEST_F(EduTest, DmaRegistersHold64BitValuesInHalves) {
    wr(EDU_DMA_SRC + 4, 0x1);
    wr(EDU_DMA_SRC, 0x2345);  // a low-half write clears the high half, as on QEMU
    EXPECT_EQ(rd(EDU_DMA_SRC + 4), 0u);
    wr(EDU_DMA_SRC + 4, 0x1);
    EXPECT_EQ(rd(EDU_DMA_SRC), 0x2345u);
    EXPECT_EQ(rd(EDU_DMA_SRC + 4), 1u);
    wr(EDU_DMA_COUNT, 64);
    EXPECT_EQ(rd(EDU_DMA_COUNT), 64u);
    wr(EDU_DMA_CMD, EDU_DMA_CMD_IRQ);  // no start bit: ignored
    EXPECT_EQ(rd(EDU_DMA_CMD), 0u);
}

// Caches must hear of every byte the device wrote into RAM, and of nothing it only read.
TEST_F(EduTest, OnlyTransfersIntoRamAreReportedAsRamWrites) {
    std::vector<std::pair<uint64_t, uint64_t>> written;
    edu.set_ram_written([&](uint64_t pa, uint64_t len) { written.emplace_back(pa, len); });
    master(true);
    dma(kBufA, EDU_BUFFER_OFFSET, 64, EDU_DMA_CMD_START);
    cycle += 10000;
    EXPECT_TRUE(written.empty());
    dma(EDU_BUFFER_OFFSET, kBufB, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    cycle += 10000;
    master(false);
    dma(EDU_BUFFER_OFFSET, kBufB, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);   // rejected: nothing written
    EXPECT_EQ(written, (std::vector<std::pair<uint64_t, uint64_t>>{{kBufB, 64}}));
}

TEST_F(EduTest, FullBufferRoundTripsBothDirectionsWithModelledCompletion) {
    master(true);
    dma(kBufA, EDU_BUFFER_OFFSET, 4096, EDU_DMA_CMD_START);  // QEMU 7.2 aborts on exactly 4096
    EXPECT_TRUE(edu.busy());
    EXPECT_EQ(rd(EDU_DMA_CMD) & EDU_DMA_CMD_START, EDU_DMA_CMD_START);
    EXPECT_EQ(edu.completion_cycle(), 1000u + 100 + 4096 / 8);
    wr(EDU_DMA_SRC, 0x1234);  // ignored while busy
    EXPECT_EQ(rd(EDU_DMA_SRC), kBufA);
    cycle = 1000 + 100 + 511;
    EXPECT_EQ(rd(EDU_DMA_CMD) & EDU_DMA_CMD_START, EDU_DMA_CMD_START);
    cycle += 1;
    EXPECT_EQ(rd(EDU_DMA_CMD) & EDU_DMA_CMD_START, 0u);

    dma(EDU_BUFFER_OFFSET, kBufB, 4096, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
    EXPECT_FALSE(edu.irq_pending());
    cycle += 1000;
    EXPECT_EQ(rd(EDU_DMA_CMD) & EDU_DMA_CMD_START, 0u);
    EXPECT_EQ(rd(EDU_IRQ_STATUS), EDU_IRQ_DMA);
    EXPECT_TRUE(std::equal(ram.begin() + kBufA, ram.begin() + kBufA + 4096, ram.begin() + kBufB));
    EXPECT_EQ(rd(EDU_STATUS) & EDU_STATUS_DMA_REJECTED, 0u);
    EXPECT_EQ(edu.stats().transfers, 2u);
    EXPECT_EQ(edu.stats().bytes_to_device, 4096u);
    EXPECT_EQ(edu.stats().bytes_to_ram, 4096u);
    EXPECT_EQ(edu.stats().busy_cycles, 2u * (100 + 512));
    EXPECT_TRUE(sink.faults.empty());
}

TEST_F(EduTest, PartialTransferLandsAtTheBufferOffset) {
    master(true);
    dma(kBufA, EDU_BUFFER_OFFSET + 100, 3, EDU_DMA_CMD_START);
    cycle += 200;
    dma(EDU_BUFFER_OFFSET + 100, kBufB + 5, 3, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    EXPECT_EQ(ram[kBufB + 5], ram[kBufA]);
    EXPECT_EQ(ram[kBufB + 7], ram[kBufA + 2]);
    EXPECT_EQ(ram[kBufB + 8], 0);
    EXPECT_EQ(ram[kBufB + 4], 0);
}

class EduRejectTest : public EduTest {
protected:
    void expect_rejected(unsigned code, const char* rule_name, uint64_t bus, uint64_t len) {
        EXPECT_EQ(rd(EDU_DMA_CMD) & EDU_DMA_CMD_START, 0u);
        EXPECT_EQ(rd(EDU_STATUS) & EDU_STATUS_DMA_REJECTED, EDU_STATUS_DMA_REJECTED);
        EXPECT_EQ(rule(), code);
        ASSERT_EQ(sink.faults.size(), 1u);
        EXPECT_EQ(sink.faults[0].rule, rule_name);
        EXPECT_EQ(sink.faults[0].bus_addr, bus);
        EXPECT_EQ(sink.faults[0].len, len);
        EXPECT_EQ(sink.faults[0].device, "edu");
        EXPECT_EQ(sink.faults[0].cycle, cycle);
        EXPECT_FALSE(sink.faults[0].detail.empty());
        EXPECT_EQ(edu.stats().rejected, 1u);
        EXPECT_EQ(edu.stats().transfers, 0u);
    }
    bool ram_untouched(uint64_t at, uint64_t len) {
        return std::all_of(ram.begin() + at, ram.begin() + at + len, [](uint8_t b) { return b == 0; });
    }
};

TEST_F(EduRejectTest, BusMasteringOff) {
    master(false);
    dma(EDU_BUFFER_OFFSET, kBufB, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM | EDU_DMA_CMD_IRQ);
    expect_rejected(EDU_DMA_RULE_BUS_MASTER_OFF, "bus_master_off", kBufB, 64);
    EXPECT_TRUE(sink.faults[0].to_ram);
    EXPECT_EQ(rd(EDU_IRQ_STATUS), EDU_IRQ_DMA);  // the waiting driver is woken
    master(true);
    dma(EDU_BUFFER_OFFSET, kBufB, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    EXPECT_EQ(rd(EDU_STATUS) & EDU_STATUS_DMA_REJECTED, 0u);  // an accepted command clears it
}

TEST_F(EduRejectTest, DeviceRangeLeavesTheBuffer) {
    master(true);
    dma(kBufA, EDU_BUFFER_OFFSET + 1, 4096, EDU_DMA_CMD_START);
    expect_rejected(EDU_DMA_RULE_DEVICE_RANGE, "device_buffer_range", kBufA, 4096);
    wr(EDU_STATUS, EDU_STATUS_DMA_REJECTED);  // write-one-to-clear
    EXPECT_EQ(rd(EDU_STATUS), 0u);
}

TEST_F(EduRejectTest, DeviceRangeBelowTheBufferAndHugeCounts) {
    master(true);
    wr(EDU_DMA_SRC, EDU_BUFFER_OFFSET);
    wr(EDU_DMA_DST, kBufB);
    wr(EDU_DMA_COUNT, 0x10);
    wr(EDU_DMA_COUNT + 4, 0xffffffff);  // a count of 2^64 - 2^32 + 16
    wr(EDU_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    EXPECT_EQ(rule(), static_cast<uint32_t>(EDU_DMA_RULE_DEVICE_RANGE));
    dma(0x3fff0, kBufB, 0x20, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    EXPECT_EQ(rule(), static_cast<uint32_t>(EDU_DMA_RULE_DEVICE_RANGE));
    EXPECT_EQ(sink.faults.size(), 2u);
    EXPECT_TRUE(ram_untouched(kBufB, 0x10000));
}

TEST_F(EduRejectTest, RangeAboveTheDmaMask) {
    EduDma narrow{mem, [this] { return cycle; }, config(19)};
    narrow.set_fault_sink(&sink);
    narrow.pci().config_write(PCI_COMMAND, 2, PCI_COMMAND_MASTER);
    narrow.mmio_write(EDU_DMA_SRC, 4, EDU_BUFFER_OFFSET);
    narrow.mmio_write(EDU_DMA_DST, 4, 0x7ffc0);  // crosses 512 KiB: last byte above the mask
    narrow.mmio_write(EDU_DMA_COUNT, 4, 0x80);
    narrow.mmio_write(EDU_DMA_CMD, 4, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    ASSERT_EQ(sink.faults.size(), 1u);
    EXPECT_EQ(sink.faults[0].rule, "above_dma_mask");
    EXPECT_EQ((narrow.mmio_read(EDU_STATUS, 4) & EDU_STATUS_DMA_RULE_MASK) >> EDU_STATUS_DMA_RULE_SHIFT,
              static_cast<uint32_t>(EDU_DMA_RULE_ABOVE_MASK));
    EXPECT_TRUE(ram_untouched(0x7ffc0, 0x80));
    narrow.mmio_write(EDU_DMA_DST, 4, 0x7ff80);  // ends exactly at the mask: allowed
    narrow.mmio_write(EDU_DMA_CMD, 4, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    EXPECT_EQ(narrow.stats().transfers, 1u);
}

TEST_F(EduRejectTest, RangeLeavesRam) {
    master(true);
    dma(EDU_BUFFER_OFFSET, kRamSize - 16, 32, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    expect_rejected(EDU_DMA_RULE_NOT_RAM, "not_ram", kRamSize - 16, 32);
    EXPECT_TRUE(ram_untouched(kRamSize - 16, 16));
}

TEST_F(EduRejectTest, LegacyHoleIsNotRam) {
    master(true);
    dma(0xb8000, EDU_BUFFER_OFFSET, 16, EDU_DMA_CMD_START);
    expect_rejected(EDU_DMA_RULE_NOT_RAM, "not_ram", 0xb8000, 16);
}

TEST_F(EduRejectTest, MappingCheckerRefuses) {
    Checker checker;
    checker.verdict = {false, "non_contiguous", "bus range spans two vmalloc pages"};
    edu.set_mapping_checker(&checker);
    master(true);
    dma(EDU_BUFFER_OFFSET, kBufB, 128, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    expect_rejected(EDU_DMA_RULE_NO_MAPPING, "non_contiguous", kBufB, 128);
    EXPECT_EQ(sink.faults[0].detail, "bus range spans two vmalloc pages");
    ASSERT_EQ(checker.asked.size(), 1u);
    EXPECT_EQ(checker.asked[0], std::make_pair(kBufB, uint64_t{128}));
    checker.verdict = {true, "", ""};
    dma(kBufA, EDU_BUFFER_OFFSET, 128, EDU_DMA_CMD_START);
    EXPECT_EQ(edu.stats().transfers, 1u);
}

TEST_F(EduRejectTest, ZeroCountMovesNothingAndCompletesAfterLatency) {
    master(true);
    dma(kRamSize * 8, EDU_BUFFER_OFFSET, 0, EDU_DMA_CMD_START);
    EXPECT_TRUE(edu.busy());
    EXPECT_EQ(edu.completion_cycle(), cycle + 100);
    EXPECT_TRUE(sink.faults.empty());
}

// QEMU's INTx: INTA# follows "IRQ status != 0"; raise (0x60) ORs, ack (0x64) clears bits, and
// the wire falls only when the last bit is acknowledged.
TEST_F(EduTest, IrqStatusDrivesIntaUntilTheLastBitIsAcknowledged) {
    std::vector<bool> wire;
    edu.pci().connect_intx([&](bool level) { wire.push_back(level); });
    wr(EDU_IRQ_RAISE, 0x30);
    EXPECT_TRUE(edu.pci().intx_asserted());
    EXPECT_EQ(edu.pci().config_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    wr(EDU_IRQ_RAISE, 0x40);
    wr(EDU_IRQ_ACK, 0x10);
    EXPECT_TRUE(edu.pci().intx_asserted());
    wr(EDU_IRQ_ACK, 0x60);
    EXPECT_FALSE(edu.pci().intx_asserted());
    EXPECT_EQ(edu.pci().config_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0u);
    wr(EDU_IRQ_RAISE, 0);   // nothing set: QEMU leaves the line low
    EXPECT_EQ(wire, (std::vector<bool>{true, false}));
}

// With an event queue the completion is an event: the interrupt arrives at the completion cycle
// without any register access, and only when the command asked for one.
TEST_F(EduTest, DmaCompletionInterruptArrivesOnTimeThroughTheEventQueue) {
    EventQueue events;
    edu.set_event_queue(&events);
    master(true);
    dma(kBufA, EDU_BUFFER_OFFSET, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
    const uint64_t done = edu.completion_cycle();
    EXPECT_EQ(events.next_due(), done);
    cycle = done - 1;
    events.run_due(cycle);
    EXPECT_FALSE(edu.pci().intx_asserted());
    cycle = done;
    events.run_due(cycle);
    EXPECT_TRUE(edu.pci().intx_asserted());
    EXPECT_FALSE(edu.busy());
    EXPECT_EQ(rd(EDU_IRQ_STATUS), EDU_IRQ_DMA);
    wr(EDU_IRQ_ACK, EDU_IRQ_DMA);
    EXPECT_FALSE(edu.pci().intx_asserted());

    dma(EDU_BUFFER_OFFSET, kBufB, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_TO_RAM);
    cycle = edu.completion_cycle();
    events.run_due(cycle);
    EXPECT_FALSE(edu.busy());
    EXPECT_FALSE(edu.pci().intx_asserted());
}

// A driver sleeping for completion must wake up for a refused command too.
TEST_F(EduTest, RejectedDmaWithTheIrqBitInterruptsAtOnce) {
    master(false);
    dma(kBufA, EDU_BUFFER_OFFSET, 64, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ);
    EXPECT_TRUE(edu.pci().intx_asserted());
    EXPECT_EQ(rd(EDU_IRQ_STATUS), EDU_IRQ_DMA);
    EXPECT_NE(rd(EDU_STATUS) & EDU_STATUS_DMA_REJECTED, 0u);
}

TEST(EduConfig, RejectsBadParameters) {
    std::vector<uint8_t> ram(0x1000);
    PhysicalMemory mem(ram.data(), ram.size(), {{0, 0x1000}});
    auto now = [] { return uint64_t{0}; };
    EduDmaConfig c;
    c.dma_mask_bits = 0;
    EXPECT_THROW(EduDma(mem, now, c), std::invalid_argument);
    c.dma_mask_bits = 28;
    c.bytes_per_cycle = 0;
    EXPECT_THROW(EduDma(mem, now, c), std::invalid_argument);
    EXPECT_THROW(EduDma(mem, nullptr), std::invalid_argument);
    EXPECT_EQ(EduDma(mem, now).dma_mask(), 0x0fffffffu);
}

}  // namespace
}  // namespace ia32emu
