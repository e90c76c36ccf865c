// MemoryBus: an idle bus answers in the DRAM latency; a burst of requests is spaced by the line's
// bus occupancy (bandwidth); a change of direction costs the turnaround; fills in flight are capped.
#include "emu/cache/memory_bus.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ia32emu {
namespace {

// Atom N270 numbers: 12 core cycles per bus clock, 32 bytes per bus clock, one overhead and one
// turnaround bus clock: a 64-byte line occupies (2 + 1) x 12 = 36 core cycles.
MemoryBusParams atom_bus() {
    MemoryBusParams p;
    p.core_cycles_per_bus_cycle = 12;
    p.bytes_per_bus_cycle = 32;
    p.line_overhead = 1;
    p.turnaround = 1;
    p.max_outstanding = 8;
    p.dram_latency = 199;
    p.line_bytes = 64;
    return p;
}

TEST(MemoryBus, IdleBusReadTakesTheDramLatency) {
    MemoryBus bus(atom_bus());
    EXPECT_EQ(bus.line_occupancy(), 36u);
    EXPECT_EQ(bus.read_line(1000), 1000u + 199);
    // Long after, the bus is idle again.
    EXPECT_EQ(bus.read_line(5000), 5000u + 199);
}

TEST(MemoryBus, BackToBackReadsAreSpacedByTheLineOccupancy) {
    MemoryBus bus(atom_bus());
    uint64_t first = bus.read_line(0);
    EXPECT_EQ(first, 199u);
    for (int i = 1; i < 8; ++i) EXPECT_EQ(bus.read_line(0), first + uint64_t(i) * 36) << i;
    // 64 bytes per 36 cycles at 1.6 GHz: 2844 MB/s, the sustained read rate this bus allows.
    EXPECT_NEAR(64.0 / 36.0 * 1600.0, 2844.4, 0.1);
}

TEST(MemoryBus, ReadsWaitForAFreeFillSlot) {
    MemoryBusParams p = atom_bus();
    p.max_outstanding = 2;
    p.bytes_per_bus_cycle = 4096;  // bandwidth out of the way: only the slots limit
    p.line_overhead = 0;
    MemoryBus bus(p);
    EXPECT_EQ(bus.read_line(0), 199u);
    EXPECT_EQ(bus.read_line(0), 199u + 12);  // one bus clock behind the first on the data bus
    // The third waits for the first fill to complete before it is even requested.
    EXPECT_EQ(bus.read_line(0), 199u + 199);
}

TEST(MemoryBus, WriteBacksTakeBusTimeAndTurnarounds) {
    MemoryBus bus(atom_bus());
    EXPECT_EQ(bus.write_line(0), 36u);
    // The read's transfer waits for the write and one turnaround clock: 36 + 12 + 36.
    EXPECT_EQ(bus.read_line(0), 199u);
    EXPECT_EQ(bus.write_line(0), 199u + 12 + 36);
    EXPECT_EQ(bus.stats().line_reads, 1u);
    EXPECT_EQ(bus.stats().line_writes, 2u);
    EXPECT_EQ(bus.stats().busy_cycles, 3u * 36 + 2 * 12);
}

TEST(MemoryBus, RejectsUnusableParameters) {
    MemoryBusParams p = atom_bus();
    p.bytes_per_bus_cycle = 0;
    EXPECT_THROW(MemoryBus{p}, std::invalid_argument);
    p = atom_bus();
    p.max_outstanding = 65;
    EXPECT_NE(memory_bus_params_error(p), "");
}

} // namespace
} // namespace ia32emu
