// The memory system of one core in time: the cache hierarchy, the bus and DRAM behind it, the L2
// stream prefetcher and the store buffer. Every call says when (core cycle `now`) the access is
// made and answers how long the core waits for it.
//
// A read that misses every level is a line fill on the bus (MemoryBus: latency, bandwidth,
// fills in flight). An L1 miss that reaches L2 trains the prefetcher, whose lines are put into L2
// at once but are usable only from their bus completion cycle: a demand hit on a line still in
// flight waits for the rest of its transfer. A store retires into the store buffer; a line it
// needs from DRAM is requested at once (read-for-ownership traffic counts against the bus like
// any read), one from L2 when the store reaches the head (StoreBuffer), and a dirty line leaving
// the last level is a write on the bus.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "emu/cache/cache_hierarchy.h"
#include "emu/cache/memory_bus.h"
#include "emu/cache/store_buffer.h"
#include "emu/cache/stream_prefetcher.h"

namespace ia32emu {

struct MemorySystemParams {
    MemoryBusParams bus;               // dram_latency and line_bytes follow the hierarchy's memory latency and L2 line
    StreamPrefetcherParams prefetch;   // line_bytes follows the L2 line
    StoreBufferParams store_buffer;
};

// What a demand read cost: cycles until its data is there, and whether L1 supplied it (the core
// can hide an L1 hit's latency behind independent work; it cannot hide a miss on these cores).
struct ReadCost {
    uint32_t cycles = 0;
    bool l1_hit = true;
};

class MemorySystem {
public:
    // Throws std::invalid_argument on bad parameters, naming the field.
    MemorySystem(const CacheHierarchyParams &caches, MemorySystemParams params);

    // These three are inlined into the timing model's per-access and per-block paths (an L1 hit
    // costs less than the call's frame); the misses go out of line in below_l1.
    [[gnu::always_inline]] ReadCost read(uint64_t pa, uint32_t size, uint64_t now) {
        return demand(pa, size, [now] { return now; }, AccessKind::Read);
    }
    // A read whose issue cycle costs the caller work to find: `issued()` is asked only when the
    // read misses L1, as only the path below L1 depends on when it was made.
    template <class IssuedAt>
    [[gnu::always_inline]] ReadCost read_issued_at(uint64_t pa, uint32_t size, IssuedAt &&issued) {
        return demand(pa, size, issued, AccessKind::Read);
    }
    [[gnu::always_inline]] ReadCost fetch(uint64_t pa, uint32_t size, uint64_t now) {
        return demand(pa, size, [now] { return now; }, AccessKind::Fetch);
    }
    // A store retiring at `now`: the cycles the core stalls (only when the store buffer is full).
    [[gnu::always_inline]] uint32_t write(uint64_t pa, uint32_t size, uint64_t now) {
        ReadCost line = demand(pa, size, [now] { return now; }, AccessKind::Write);
        // The fill from the head costs what the line's level costs; one already on its way
        // (prefetched, or fetched now from memory) is not requested twice.
        uint32_t fill = line.l1_hit ? 0 : std::min(line.cycles, level_latency_);
        return store_buffer_.push(now, line.l1_hit, fill, now + line.cycles);
    }

    CacheHierarchy &caches() { return caches_; }
    const CacheHierarchy &caches() const { return caches_; }
    const MemoryBus &bus() const { return bus_; }
    const StreamPrefetcher &prefetcher() const { return prefetcher_; }
    const StoreBuffer &store_buffer() const { return store_buffer_; }

private:
    template <class Now>
    [[gnu::always_inline]] ReadCost demand(uint64_t pa, uint32_t size, Now &&now, AccessKind kind) {
        const CacheLevel &l1 = kind == AccessKind::Fetch ? caches_.l1i() : caches_.l1d();
        uint64_t l1_misses = l1.stats().misses;
        uint64_t reads = caches_.memory().line_reads, writes = caches_.memory().line_writes;
        uint32_t cycles = caches_.access(pa, kind, size);
        if (l1.stats().misses == l1_misses) return {cycles, true};
        return below_l1(pa, now(), cycles, reads, writes);
    }
    ReadCost below_l1(uint64_t pa, uint64_t now, uint32_t cycles, uint64_t reads_before, uint64_t writes_before);
    void write_backs(uint64_t now, uint64_t writes_before);
    uint64_t in_flight_until(uint64_t line) const {
        const InFlight &f = in_flight_[line % in_flight_.size()];
        return f.line == line ? f.done : 0;
    }

    struct InFlight {
        uint64_t line = ~uint64_t(0);
        uint64_t done = 0;
    };

    CacheHierarchy caches_;
    MemoryBus bus_;
    StreamPrefetcher prefetcher_;
    StoreBuffer store_buffer_;
    uint32_t l2_shift_;
    uint32_t level_latency_;   // L2's load-to-use latency: a fill for ownership from L2
    // Prefetched lines still arriving, by line number; a collision forgets the older one, which
    // then counts as arrived (the table holds far more lines than a stream keeps ahead).
    std::array<InFlight, 256> in_flight_{};
};

} // namespace ia32emu
