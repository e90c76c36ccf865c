// The bus's occupancy arithmetic: one transfer at a time, in request order.
#include "emu/cache/memory_bus.h"

#include <algorithm>
#include <stdexcept>

namespace ia32emu {

std::string memory_bus_params_error(const MemoryBusParams &p) {
    if (p.core_cycles_per_bus_cycle == 0) return "bus.ratio must be at least 1";
    if (p.bytes_per_bus_cycle == 0) return "bus.bytes_per_cycle must be at least 1";
    if (p.max_outstanding == 0 || p.max_outstanding > 64) return "bus.max_outstanding must be in 1..64";
    if (p.line_bytes == 0) return "bus line size must be at least 1 byte";
    return {};
}

static const MemoryBusParams &checked(const MemoryBusParams &p) {
    std::string err = memory_bus_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

MemoryBus::MemoryBus(const MemoryBusParams &params)
    : params_(checked(params)),
      occupancy_(((params.line_bytes + params.bytes_per_bus_cycle - 1) / params.bytes_per_bus_cycle +
                  params.line_overhead) *
                 params.core_cycles_per_bus_cycle),
      turnaround_(params.turnaround * params.core_cycles_per_bus_cycle) {}

uint64_t MemoryBus::transfer(uint64_t earliest, bool write) {
    uint64_t start = std::max(earliest, free_at_);
    uint64_t lost = used_ && write != last_was_write_ ? turnaround_ : 0;
    start = std::max(start, free_at_ + lost);
    free_at_ = start + occupancy_;
    last_was_write_ = write;
    used_ = true;
    stats_.busy_cycles += occupancy_ + lost;
    return free_at_;
}

uint64_t MemoryBus::read_line(uint64_t now) {
    // With every fill slot taken, the request waits for the oldest fill to complete.
    uint64_t &slot = in_flight_[ring_head_];
    uint64_t issue = std::max(now, slot);
    // On an idle bus the data's transfer ends exactly dram_latency after the request.
    uint64_t ready = issue + std::max<uint64_t>(params_.dram_latency, occupancy_);
    uint64_t done = transfer(ready - occupancy_, false);
    slot = done;
    ring_head_ = (ring_head_ + 1) % params_.max_outstanding;
    ++stats_.line_reads;
    return done;
}

uint64_t MemoryBus::write_line(uint64_t now) {
    ++stats_.line_writes;
    return transfer(now, true);
}

} // namespace ia32emu
