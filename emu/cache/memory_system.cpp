// The miss path in time: line fills and write-backs on the bus, prefetches, fills in flight.
#include "emu/cache/memory_system.h"

#include <algorithm>
#include <bit>

namespace ia32emu {

namespace {

MemorySystemParams derived(const CacheHierarchyParams &caches, MemorySystemParams p) {
    p.bus.dram_latency = caches.memory_latency;
    p.bus.line_bytes = caches.l2.line_bytes;
    p.prefetch.line_bytes = caches.l2.line_bytes;
    return p;
}

} // namespace

MemorySystem::MemorySystem(const CacheHierarchyParams &caches, MemorySystemParams params)
    : caches_(caches),
      bus_(derived(caches, params).bus),
      prefetcher_(derived(caches, params).prefetch),
      store_buffer_(params.store_buffer),
      l2_shift_(uint32_t(std::countr_zero(caches.l2.line_bytes))),
      level_latency_(caches.l2.latency) {}

void MemorySystem::write_backs(uint64_t now, uint64_t writes_before) {
    for (uint64_t n = caches_.memory().line_writes - writes_before; n > 0; --n) bus_.write_line(now);
}

ReadCost MemorySystem::below_l1(uint64_t pa, uint64_t now, uint32_t cycles, uint64_t reads_before,
                                uint64_t writes_before) {
    uint64_t ready = now + cycles;
    uint64_t line = pa >> l2_shift_;
    if (caches_.memory().line_reads != reads_before) {
        // A line that straddles two lines of memory waits for the second.
        for (uint64_t n = caches_.memory().line_reads - reads_before; n > 0; --n) ready = bus_.read_line(now);
    } else {
        ready = std::max(ready, in_flight_until(line));
    }
    write_backs(now, writes_before);
    prefetcher_.on_l2_access(pa, [&](uint64_t line_pa) {
        uint64_t w = caches_.memory().line_writes;
        if (!caches_.prefetch_into_l2(line_pa)) return;
        uint64_t n = line_pa >> l2_shift_;
        in_flight_[n % in_flight_.size()] = {n, bus_.read_line(now)};
        write_backs(now, w);
    });
    return {uint32_t(std::min<uint64_t>(ready - now, UINT32_MAX)), false};
}

} // namespace ia32emu
