// One physically indexed, physically tagged cache level: write-back, write-allocate, tags only.
#pragma once

#include <algorithm>
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
    [[gnu::always_inline]] LineOutcome access(uint64_t pa, bool write) {
        ++accesses_;
        uint64_t tag = tag_of(pa);
        uint32_t set = set_of(pa);
        // Most accesses hit the line their set touched last. That way is already the most recent
        // of its set under every policy, so the replacement state needs no update.
        if (tags_[recent_[set]] == tag) {
            if (write) dirty_[recent_[set]] = 1;
            return {true, false, 0};
        }
        size_t base = size_t(set) * ways_;
        // Next, where this line was last seen: a tag match there is the line, in its own set.
        uint32_t &hint = hint_[(pa >> line_shift_) & hint_mask_];
        if (tags_[hint] == tag) {
            touch(set, hint - base, write);
            return {true, false, 0};
        }
        const uint64_t *tags = &tags_[base];
        for (uint32_t w = 0; w < ways_; ++w) {
            if (tags[w] == tag) {
                touch(set, w, write);
                hint = uint32_t(base + w);
                return {true, false, 0};
            }
        }
        ++misses_;
        return allocate(set, tag, write);
    }

    // A dirty line arriving from the level above: marks it dirty, allocating it when absent.
    // Not a demand access, so the stats do not count it, except for any writeback it causes.
    LineOutcome absorb_writeback(uint64_t pa);

    // A prefetched line arriving clean: allocated when absent (hit=true when already present).
    // Not a demand access, so the stats do not count it, except for any writeback it causes.
    LineOutcome fill_clean(uint64_t pa);

    bool contains(uint64_t pa) const;
    bool is_dirty(uint64_t pa) const;
    // Drops the line without writing it back (its contents were overwritten behind the cache).
    void invalidate(uint64_t pa);
    // Drops every line holding a byte of [pa, end) (end > pa). The range's length is the
    // guest's choice (a DMA count): past the level's own number of lines, one scan of the
    // resident lines replaces the walk over the range, so the cost never exceeds the level's size.
    void invalidate_range(uint64_t pa, uint64_t end);
    // Empties the level, counting each dirty line as a writeback and handing its address to
    // `on_dirty` so the caller can pass it on to the next level.
    template <class OnDirty> void drain(OnDirty &&on_dirty) {
        ++changes_;
        for (size_t i = 0; i < tags_.size(); ++i) {
            if (tags_[i] != 0 && dirty_[i]) {
                ++writebacks_;
                on_dirty((tags_[i] >> 1) << line_shift_);
            }
            tags_[i] = 0;
            dirty_[i] = 0;
        }
        std::fill(filled_.begin(), filled_.end(), 0);
    }

    // An access to the line accessed last, which the caller knows is still there (nothing has
    // changed the level since, as changes() shows): counted as the hit it is.
    void count_repeat_hit() { ++accesses_; }
    // Moves on whenever a line is filled or dropped.
    uint64_t changes() const { return changes_; }

    CacheStats stats() const { return {accesses_, accesses_ - misses_, misses_, writebacks_}; }
    void reset_stats() { accesses_ = misses_ = writebacks_ = 0; }
    const CacheParams &params() const { return params_; }
    uint32_t sets() const { return sets_; }
    uint32_t ways() const { return ways_; }
    uint32_t line_bytes() const { return uint32_t(1) << line_shift_; }
    uint32_t latency() const { return params_.latency; }

private:
    // A valid tag is the line number shifted left with bit 0 set, so 0 means an empty way.
    uint64_t tag_of(uint64_t pa) const { return (pa >> line_shift_) << 1 | 1; }
    uint32_t set_of(uint64_t pa) const { return uint32_t(pa >> line_shift_) & set_mask_; }
    int find_way(uint64_t pa) const;
    LineOutcome allocate(uint32_t set, uint64_t tag, bool dirty);
    [[gnu::always_inline]] void touch(uint32_t set, size_t way, bool write) {
        repl_.on_hit(set, uint32_t(way));
        const size_t slot = size_t(set) * ways_ + way;
        recent_[set] = uint32_t(slot);
        if (write) dirty_[slot] = 1;
    }

    CacheParams params_;
    uint32_t line_shift_;
    uint32_t sets_;
    uint32_t set_mask_;
    uint32_t ways_;
    std::vector<uint64_t> tags_;
    std::vector<uint8_t> dirty_;
    std::vector<uint32_t> filled_; // valid ways per set, so a full set needs no hole search
    Replacement repl_;
    std::vector<uint32_t> recent_; // per set: the slot of the way touched (hit or filled) last
    // Line number (low bits) -> the slot the line was last found or filled in; a hint only, the
    // tag check validates it. Most hits that miss the recent way find their way here without the
    // search over the set.
    std::vector<uint32_t> hint_;
    uint64_t hint_mask_;
    uint64_t accesses_ = 0;
    uint64_t misses_ = 0;
    uint64_t writebacks_ = 0;
    uint64_t changes_ = 0;
};

} // namespace ia32emu
