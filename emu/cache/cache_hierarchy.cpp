// The cache hierarchy of one core: construction, the miss path, writebacks and maintenance.
#include "emu/cache/cache_hierarchy.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace ia32emu {

std::string cache_hierarchy_params_error(const CacheHierarchyParams &p) {
    for (const CacheParams *level : {&p.l1i, &p.l1d, &p.l2}) {
        std::string err = cache_params_error(*level);
        if (!err.empty()) return err;
    }
    if (p.has_l3) {
        std::string err = cache_params_error(p.l3);
        if (!err.empty()) return err;
    }
    auto shrinks = [](const CacheParams &upper, const CacheParams &lower) {
        return lower.line_bytes < upper.line_bytes;
    };
    if (shrinks(p.l1i, p.l2) || shrinks(p.l1d, p.l2))
        return p.l2.name + ".line_bytes must be at least the L1 line sizes";
    if (p.has_l3 && shrinks(p.l2, p.l3)) return p.l3.name + ".line_bytes must be at least the L2 line size";
    return {};
}

static const CacheHierarchyParams &checked(const CacheHierarchyParams &p) {
    std::string err = cache_hierarchy_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

CacheHierarchy::CacheHierarchy(const CacheHierarchyParams &params)
    : l1i_(checked(params).l1i),
      l1d_(params.l1d),
      l2_(params.l2),
      l1i_shift_(uint32_t(std::countr_zero(params.l1i.line_bytes))),
      l1d_shift_(uint32_t(std::countr_zero(params.l1d.line_bytes))),
      memory_latency_(params.memory_latency) {
    if (params.has_l3) l3_.emplace(params.l3);
}

uint32_t CacheHierarchy::miss_below_l1(uint64_t pa, const LineOutcome &l1_outcome) {
    uint32_t cycles;
    LineOutcome r2 = l2_.access(pa, false);
    if (r2.hit) {
        cycles = l2_.latency();
    } else if (l3_) {
        LineOutcome r3 = l3_->access(pa, false);
        if (r3.hit) {
            cycles = l3_->latency();
        } else {
            cycles = memory_latency_;
            ++memory_.line_reads;
        }
        if (r3.dirty_victim) ++memory_.line_writes;
    } else {
        cycles = memory_latency_;
        ++memory_.line_reads;
    }
    // The fill is requested before the victim leaves, so the victim reaches L2 after the new line.
    if (r2.dirty_victim) write_back_below_l2(r2.victim_pa);
    if (l1_outcome.dirty_victim) write_back_into_l2(l1_outcome.victim_pa);
    return cycles;
}

void CacheHierarchy::write_back_into_l2(uint64_t pa) {
    LineOutcome r = l2_.absorb_writeback(pa);
    if (r.dirty_victim) write_back_below_l2(r.victim_pa);
}

void CacheHierarchy::write_back_below_l2(uint64_t pa) {
    if (!l3_) {
        ++memory_.line_writes;
        return;
    }
    if (l3_->absorb_writeback(pa).dirty_victim) ++memory_.line_writes;
}

bool CacheHierarchy::prefetch_into_l2(uint64_t pa) {
    LineOutcome r = l2_.fill_clean(pa);
    if (r.hit) return false;
    ++memory_.line_reads;
    if (r.dirty_victim) write_back_below_l2(r.victim_pa);
    return true;
}

void CacheHierarchy::invalidate(uint64_t pa, uint64_t size) {
    if (size == 0) return;
    // A range running past the top of the 64-bit space ends there instead of wrapping to 0.
    const uint64_t end = size > UINT64_MAX - pa ? UINT64_MAX : pa + size;
    l1i_.invalidate_range(pa, end);
    l1d_.invalidate_range(pa, end);
    l2_.invalidate_range(pa, end);
    if (l3_) l3_->invalidate_range(pa, end);
}

void CacheHierarchy::write_back_and_invalidate() {
    l1d_.drain([this](uint64_t line) { write_back_into_l2(line); });
    l1i_.drain([this](uint64_t line) { write_back_into_l2(line); });
    l2_.drain([this](uint64_t line) { write_back_below_l2(line); });
    if (l3_) l3_->drain([this](uint64_t) { ++memory_.line_writes; });
}

void CacheHierarchy::reset_stats() {
    l1i_.reset_stats();
    l1d_.reset_stats();
    l2_.reset_stats();
    if (l3_) l3_->reset_stats();
    memory_ = {};
}

} // namespace ia32emu
