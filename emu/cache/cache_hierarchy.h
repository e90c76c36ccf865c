// The cache hierarchy of one core: L1I and L1D in front of a unified L2, an optional unified L3,
// then memory. Answers what an access costs in core cycles.
//
// Latency convention: every configured latency is a load-to-use latency, the total a dependent
// load sees when that level supplies the data (the figures Intel's optimization reference manual
// tabulates per level and that a pointer chase such as lmbench's lat_mem_rd measures). They do
// NOT add up level by level: an L2 hit costs l2.latency, not l1d.latency + l2.latency, and a miss
// everywhere costs memory_latency alone. Writebacks of dirty lines are counted but cost nothing,
// as they drain through write buffers off the critical path. A store costs what a load of the
// same line would; whether a store buffer hides that is the caller's decision. There is no
// prefetcher here:
// MemorySystem puts the bus, prefetcher and store buffer around this hierarchy.
//
// Inclusion: non-inclusive, non-exclusive. A miss fills every level it missed in; an eviction
// below does not invalidate the levels above; a dirty line evicted from one level is written into
// the next (allocating it there if absent) and from the last level to memory.
#pragma once

#include <cstdint>
#include <optional>

#include "emu/cache/access_kind.h"
#include "emu/cache/cache_level.h"
#include "emu/cache/cache_params.h"

namespace ia32emu {

struct MemoryTraffic {
    uint64_t line_reads = 0;  // lines fetched from memory (misses in every level, and prefetches)
    uint64_t line_writes = 0; // dirty lines written back to memory
};

class CacheHierarchy {
public:
    // Throws std::invalid_argument with cache_hierarchy_params_error's message on bad params.
    explicit CacheHierarchy(const CacheHierarchyParams &params);

    // Cycles that `size` bytes at physical address `pa` cost (size 0 counts as 1). An access
    // straddling lines accesses each line in turn and the costs add, since split accesses issue
    // one cache access per line on the modelled cores. Uncached (PCD, MMIO) accesses must not
    // come here.
    // Inlined into the memory system's demand path, as the L1 hit it nearly always is costs
    // less than a call's frame.
    [[gnu::always_inline]] uint32_t access(uint64_t pa, AccessKind kind, uint32_t size) {
        uint32_t shift = kind == AccessKind::Fetch ? l1i_shift_ : l1d_shift_;
        uint64_t first = pa >> shift;
        uint64_t last = (pa + (size ? size - 1 : 0)) >> shift;
        if (first == last) return access_line(pa, kind);
        uint32_t cycles = 0;
        for (uint64_t line = first; line <= last; ++line) cycles += access_line(line << shift, kind);
        return cycles;
    }

    // A prefetcher brings the line holding `pa` into L2 from memory. False (and nothing happens)
    // when L2 holds it already; a dirty victim goes down as any L2 eviction does.
    bool prefetch_into_l2(uint64_t pa);

    // A device wrote [pa, pa+size) behind the caches (DMA): the lines are dropped everywhere,
    // dirty or not, because the device's data supersedes them.
    void invalidate(uint64_t pa, uint64_t size);
    // WBINVD: every dirty line is written down level by level to memory, every level emptied.
    void write_back_and_invalidate();

    // A fetch of the line L1I was accessed for last, with L1I unchanged since: the hit it is.
    void refetch_last_line() { l1i_.count_repeat_hit(); }

    const CacheLevel &l1i() const { return l1i_; }
    const CacheLevel &l1d() const { return l1d_; }
    const CacheLevel &l2() const { return l2_; }
    // Null when the hierarchy has no L3.
    const CacheLevel *l3() const { return l3_ ? &*l3_ : nullptr; }
    const MemoryTraffic &memory() const { return memory_; }
    uint32_t memory_latency() const { return memory_latency_; }
    void reset_stats();

private:
    [[gnu::always_inline]] uint32_t access_line(uint64_t pa, AccessKind kind) {
        CacheLevel &l1 = kind == AccessKind::Fetch ? l1i_ : l1d_;
        LineOutcome r = l1.access(pa, kind == AccessKind::Write);
        if (r.hit) return l1.latency();
        return miss_below_l1(pa, r);
    }
    uint32_t miss_below_l1(uint64_t pa, const LineOutcome &l1_outcome);
    void write_back_into_l2(uint64_t pa);
    void write_back_below_l2(uint64_t pa);

    CacheLevel l1i_;
    CacheLevel l1d_;
    CacheLevel l2_;
    std::optional<CacheLevel> l3_;
    uint32_t l1i_shift_;
    uint32_t l1d_shift_;
    uint32_t memory_latency_;
    MemoryTraffic memory_;
};

} // namespace ia32emu
