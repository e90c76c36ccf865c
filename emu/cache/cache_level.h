// One physically indexed, physically tagged cache level: write-back, write-allocate, tags only.
#pragma once

#include <cstdint>
#include <vector>

#include "emu/cache/cache_params.h"
#include "emu/cache/replacement.h"

namespace ia32emu {

struct CacheStats {
    uint64_t accesses = 0;   // demand accesses, one per line touched
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t writebacks = 0; // dirty lines this level evicted or flushed
};

// What one line access did. On a miss the line has already been allocated; if that pushed out a
// dirty line, the caller owes the next level a writeback of `victim_pa`.
struct LineOutcome {
    bool hit = false;
    bool dirty_victim = false;
    uint64_t victim_pa = 0;  // first byte of the evicted dirty line
};

class CacheLevel {
public:
    // Throws std::invalid_argument with cache_params_error's message when the params are unusable.
    explicit CacheLevel(const CacheParams &params);

    // A demand access to the line holding `pa`. Kept inline: this is the per-access hot path.
    LineOutcome access(uint64_t pa, bool write) {
        ++stats_.accesses;
        uint64_t tag = tag_of(pa);
        uint32_t set = set_of(pa);
        size_t base = size_t(set) * ways_;
        // Consecutive accesses mostly hit the line hit last; checking it first skips the scan.
        if (tags_[last_slot_] == tag) return hit(set, uint32_t(last_slot_ - base), write);
        const uint64_t *tags = &tags_[base];
        for (uint32_t w = 0; w < ways_; ++w) {
            if (tags[w] == tag) {
                last_slot_ = base + w;
                return hit(set, w, write);
            }
        }
        ++stats_.misses;
        return allocate(set, tag, write);
    }

    // A dirty line arriving from the level above: marks it dirty, allocating it when absent.
    // Not a demand access, so the stats do not count it, except for any writeback it causes.
    LineOutcome absorb_writeback(uint64_t pa);

    bool contains(uint64_t pa) const;
    bool is_dirty(uint64_t pa) const;
    // Drops the line without writing it back (its contents were overwritten behind the cache).
    void invalidate(uint64_t pa);
    // Empties the level, counting each dirty line as a writeback and handing its address to
    // `on_dirty` so the caller can pass it on to the next level.
    template <class OnDirty> void drain(OnDirty &&on_dirty) {
        for (size_t i = 0; i < tags_.size(); ++i) {
            if (tags_[i] != 0 && dirty_[i]) {
                ++stats_.writebacks;
                on_dirty((tags_[i] >> 1) << line_shift_);
            }
            tags_[i] = 0;
            dirty_[i] = 0;
        }
    }

    const CacheStats &stats() const { return stats_; }
    void reset_stats() { stats_ = {}; }
    const CacheParams &params() const { return params_; }
    uint32_t sets() const { return sets_; }
    uint32_t ways() const { return ways_; }
    uint32_t line_bytes() const { return uint32_t(1) << line_shift_; }
    uint32_t latency() const { return params_.latency; }

private:
    // A valid tag is the line number shifted left with bit 0 set, so 0 means an empty way.
    uint64_t tag_of(uint64_t pa) const { return (pa >> line_shift_) << 1 | 1; }
    uint32_t set_of(uint64_t pa) const { return uint32_t(pa >> line_shift_) & set_mask_; }
    LineOutcome hit(uint32_t set, uint32_t way, bool write) {
        ++stats_.hits;
        repl_.on_hit(set, way);
        if (write) dirty_[size_t(set) * ways_ + way] = 1;
        return {true, false, 0};
    }
    int find_way(uint64_t pa) const;
    LineOutcome allocate(uint32_t set, uint64_t tag, bool dirty);

    CacheParams params_;
    uint32_t line_shift_;
    uint32_t sets_;
    uint32_t set_mask_;
    uint32_t ways_;
    std::vector<uint64_t> tags_;
    std::vector<uint8_t> dirty_;
    Replacement repl_;
    size_t last_slot_ = 0;
    CacheStats stats_;
};

} // namespace ia32emu
