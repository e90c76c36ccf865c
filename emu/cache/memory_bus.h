// The front-side bus and DRAM behind the last cache level: line reads and write-backs share one
// bus, so bandwidth, not only latency, bounds a stream of misses.
//
// A line transfer occupies the bus for line_bytes / bytes_per_bus_cycle bus cycles plus a fixed
// per-transaction overhead (request phase, arbitration); a change of direction between a read and
// a write costs `turnaround` more bus cycles. DRAM latency and the bus are separate: a read's data
// arrives `dram_latency` core cycles after the request on an idle bus, and no earlier than the bus
// can carry it when the bus is busy. Reads overlap one another's latency up to `max_outstanding`
// line fills in flight; write-backs are posted, the core never waits for them, but they take bus
// time from the reads behind them.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace ia32emu {

struct MemoryBusParams {
    uint32_t core_cycles_per_bus_cycle = 15;  // core clock / bus base clock (2000 MHz / 133 MHz)
    uint32_t bytes_per_bus_cycle = 32;        // 64-bit data bus, quad pumped: 32 bytes per base clock
    uint32_t line_overhead = 1;               // bus cycles of request and arbitration per line transaction
    uint32_t turnaround = 1;                  // bus cycles lost when the bus changes direction
    uint32_t max_outstanding = 8;             // line fills in flight at once
    uint32_t dram_latency = 200;              // core cycles from request to data on an idle bus
    uint32_t line_bytes = 64;                 // bytes per transaction (the last cache level's line)
};

// Empty when usable, else one line naming the field.
std::string memory_bus_params_error(const MemoryBusParams &p);

struct MemoryBusStats {
    uint64_t line_reads = 0;
    uint64_t line_writes = 0;
    uint64_t busy_cycles = 0;   // core cycles the bus spent carrying lines, turnarounds included
};

class MemoryBus {
public:
    // Throws std::invalid_argument with memory_bus_params_error's message on bad params.
    explicit MemoryBus(const MemoryBusParams &params);

    // A line read requested at core cycle `now`: the cycle its last byte has arrived.
    uint64_t read_line(uint64_t now);
    // A dirty line written back at `now`: the cycle the bus is done with it.
    uint64_t write_line(uint64_t now);

    // Core cycles one line occupies the bus, overhead included.
    uint32_t line_occupancy() const { return occupancy_; }
    const MemoryBusParams &params() const { return params_; }
    const MemoryBusStats &stats() const { return stats_; }

private:
    uint64_t transfer(uint64_t earliest, bool write);

    MemoryBusParams params_;
    uint32_t occupancy_;
    uint32_t turnaround_;
    uint64_t free_at_ = 0;
    bool last_was_write_ = false;
    bool used_ = false;
    // Completion cycles of the last max_outstanding reads, oldest first in ring order.
    std::array<uint64_t, 64> in_flight_{};
    uint32_t ring_head_ = 0;
    MemoryBusStats stats_;
};

} // namespace ia32emu
