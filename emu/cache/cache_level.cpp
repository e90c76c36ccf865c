// One physically indexed, physically tagged cache level: construction, fills and maintenance.
#include "emu/cache/cache_level.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace ia32emu {

std::string cache_params_error(const CacheParams &p) {
    const std::string who = p.name.empty() ? std::string("cache") : p.name;
    if (p.line_bytes < 8 || !std::has_single_bit(p.line_bytes))
        return who + ".line_bytes must be a power of two >= 8, got " + std::to_string(p.line_bytes);
    if (p.ways == 0) return who + ".ways must be at least 1";
    uint64_t way_bytes = uint64_t(p.ways) * p.line_bytes;
    if (p.size_bytes == 0 || p.size_bytes % way_bytes != 0)
        return who + ".size_bytes must be a nonzero multiple of ways*line_bytes (" +
               std::to_string(way_bytes) + "), got " + std::to_string(p.size_bytes);
    uint64_t sets = p.size_bytes / way_bytes;
    if (!std::has_single_bit(sets) || sets > (uint64_t(1) << 31))
        return who + ".size_bytes/(ways*line_bytes) must be a power of two, got " + std::to_string(sets);
    std::string policy = replacement_geometry_error(p.policy, p.ways);
    if (!policy.empty()) return who + ".replacement: " + policy;
    return {};
}

// Four hints per line for small levels (so that lines sharing a set rarely share a hint), capped
// so that the table of a large L2 stays within the host's own caches.
static size_t hint_slots(size_t lines) { return std::min<size_t>(std::bit_ceil(lines) * 4, 4096); }

static const CacheParams &checked(const CacheParams &p) {
    std::string err = cache_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

CacheLevel::CacheLevel(const CacheParams &params)
    : params_(checked(params)),
      line_shift_(uint32_t(std::countr_zero(params.line_bytes))),
      sets_(uint32_t(params.size_bytes / (uint64_t(params.ways) * params.line_bytes))),
      set_mask_(sets_ - 1),
      ways_(params.ways),
      tags_(size_t(sets_) * ways_, 0),
      dirty_(size_t(sets_) * ways_, 0),
      filled_(sets_, 0),
      repl_(params.policy, sets_, ways_, params.seed),
      recent_(first_slot_of_each_set(sets_, ways_)),
      hint_(hint_slots(tags_.size()), 0),
      hint_mask_(hint_.size() - 1) {}

LineOutcome CacheLevel::allocate(uint32_t set, uint64_t tag, bool dirty) {
    ++changes_;
    size_t base = size_t(set) * ways_;
    uint32_t way = 0;
    LineOutcome out;
    if (filled_[set] < ways_) {
        while (tags_[base + way] != 0) ++way;
        ++filled_[set];
    } else {
        way = repl_.victim(set);
        if (dirty_[base + way]) {
            ++writebacks_;
            out.dirty_victim = true;
            out.victim_pa = (tags_[base + way] >> 1) << line_shift_;
        }
    }
    tags_[base + way] = tag;
    dirty_[base + way] = dirty ? 1 : 0;
    repl_.on_fill(set, way);
    recent_[set] = uint32_t(base + way);
    hint_[(tag >> 1) & hint_mask_] = uint32_t(base + way);
    return out;
}

int CacheLevel::find_way(uint64_t pa) const {
    uint64_t tag = tag_of(pa);
    size_t base = size_t(set_of(pa)) * ways_;
    for (uint32_t w = 0; w < ways_; ++w)
        if (tags_[base + w] == tag) return int(w);
    return -1;
}

LineOutcome CacheLevel::absorb_writeback(uint64_t pa) {
    int way = find_way(pa);
    if (way >= 0) {
        dirty_[size_t(set_of(pa)) * ways_ + uint32_t(way)] = 1;
        return {true, false, 0};
    }
    return allocate(set_of(pa), tag_of(pa), true);
}

LineOutcome CacheLevel::fill_clean(uint64_t pa) {
    if (find_way(pa) >= 0) return {true, false, 0};
    return allocate(set_of(pa), tag_of(pa), false);
}

bool CacheLevel::contains(uint64_t pa) const { return find_way(pa) >= 0; }

bool CacheLevel::is_dirty(uint64_t pa) const {
    int way = find_way(pa);
    return way >= 0 && dirty_[size_t(set_of(pa)) * ways_ + uint32_t(way)] != 0;
}

void CacheLevel::invalidate(uint64_t pa) {
    ++changes_;
    int way = find_way(pa);
    if (way < 0) return;
    size_t i = size_t(set_of(pa)) * ways_ + uint32_t(way);
    tags_[i] = 0;
    dirty_[i] = 0;
    --filled_[set_of(pa)];
}

void CacheLevel::invalidate_range(uint64_t pa, uint64_t end) {
    ++changes_;
    const uint64_t first_line = pa >> line_shift_;
    const uint64_t last_line = (end - 1) >> line_shift_;
    if (last_line - first_line < tags_.size()) {
        for (uint64_t line = first_line; line <= last_line; ++line) invalidate(line << line_shift_);
        return;
    }
    for (size_t i = 0; i < tags_.size(); ++i) {
        const uint64_t line = tags_[i] >> 1;
        if (tags_[i] == 0 || line < first_line || line > last_line) continue;
        tags_[i] = 0;
        dirty_[i] = 0;
        --filled_[i / ways_];
    }
}

} // namespace ia32emu
