// One TLB level: set-associative arrays for 4 KiB and for large pages, holding translations with
// the leaf entry they were filled from, so a later rewrite of that entry can be detected.
#pragma once

#include <cstdint>
#include <vector>

#include "emu/cache/replacement.h"
#include "emu/mmu/paging.h"
#include "emu/mmu/tlb_params.h"

namespace ia32emu {

struct TlbEntry {
    uint32_t va_base = 0;     // linear address of the page's first byte
    uint8_t page_shift = 12;  // log2 of the page size this entry covers: 12, 21 or 22
    uint8_t origin_shift = 12; // log2 of the page the walk found; above page_shift for a fragment
    uint8_t pte_bytes = 4;    // width of the leaf entry: 4 (32-bit paging) or 8 (PAE)
    PageFlags flags;
    uint64_t pa_base = 0;     // physical address of the page's first byte
    uint64_t pte_pa = 0;      // physical address of the leaf entry (PTE, or PDE of a large page)
    uint64_t pte_value = 0;   // the leaf entry's value at fill time, after the walk's A/D update
    // Set by whoever fills the entry when every byte of the page is RAM the caches hold, so that
    // the per-access test of where an address lies can be skipped; false only means "ask".
    bool cached_ram = false;

    uint64_t translate(uint32_t va) const { return pa_base | (va & ((uint32_t(1) << page_shift) - 1)); }
};

struct TlbStats {
    uint64_t accesses = 0;
    uint64_t misses = 0;
};

class TlbLevel {
public:
    // Throws std::invalid_argument with tlb_level_params_error's message on bad params.
    explicit TlbLevel(const TlbLevelParams &params);

    // The entry covering `va`, counting the access and refreshing its recency; null on a miss.
    [[gnu::always_inline]] const TlbEntry *lookup(uint32_t va) {
        ++stats_.accesses;
        // The page the last lookup hit, with nothing filled or dropped since: the same entry,
        // already the most recent of its set. Most accesses stay on the page before them.
        if ((va & last_mask_) == last_base_) return last_;
        TlbEntry *e = small_.recent(va);
        if (!e) e = large_.recent(va);
        if (!e) e = small_.search(va);
        if (!e) e = large_.search(va);
        if (!e) {
            ++stats_.misses;
            return nullptr;
        }
        last_ = e;
        last_mask_ = ~((uint64_t(1) << e->page_shift) - 1);
        last_base_ = e->va_base;
        return e;
    }
    // The entry covering `va` without counting or touching recency (for checks and tests).
    const TlbEntry *find(uint32_t va) const;
    // Fills the entry, replacing any entry for the same page. A large page goes to the large array,
    // or as the 4 KiB fragment holding `va` when there is none. Null when the level holds nothing
    // of that size.
    const TlbEntry *insert(const TlbEntry &entry, uint32_t va);
    // INVLPG: drops every entry for the page holding `va`, large, small and fragments.
    void invlpg(uint32_t va);
    // keep_global: a CR3 write with CR4.PGE set keeps global entries; false empties the level.
    void flush(bool keep_global);

    // A lookup of the page the last lookup hit, which the caller knows hit again (nothing has
    // changed the level since, as changes() shows): it is counted, and the recency it would
    // leave is already there.
    void count_repeat_hit() { ++stats_.accesses; }
    // Moves on whenever an entry is filled or dropped.
    uint64_t changes() const { return changes_; }

    const TlbStats &stats() const { return stats_; }
    void reset_stats() { stats_ = {}; }
    const TlbLevelParams &params() const { return params_; }
    uint32_t hit_latency() const { return params_.hit_latency; }

private:
    class Array {
    public:
        Array(const TlbArrayParams &p, ReplacementPolicy policy, uint64_t seed, uint32_t page_shift);

        // The entry `va`'s set touched last, if it covers `va`. That way is already the most
        // recent of its set under every policy, so the replacement state needs no update.
        [[gnu::always_inline]] TlbEntry *recent(uint32_t va) {
            const uint32_t vpn = va >> shift_;
            const uint32_t slot = recent_[vpn & set_mask_];
            return tags_[slot] == (vpn << 1 | 1) ? &entries_[slot] : nullptr;
        }
        // The full search after recent() failed: the page index for wide sets, then the set.
        TlbEntry *search(uint32_t va) {
            if (sets_ == 0) return nullptr;
            uint32_t vpn = va >> shift_;
            uint32_t tag = vpn << 1 | 1;
            uint32_t set = vpn & set_mask_;
            size_t base = size_t(set) * ways_;
            if (!index_.empty()) {
                // The index only remembers where a page was last seen; the tag check validates it.
                uint32_t slot = index_[vpn & index_mask_];
                if (tags_[slot] == tag) return touch(set, slot - base);
            }
            for (uint32_t w = 0; w < ways_; ++w) {
                if (tags_[base + w] == tag) {
                    if (!index_.empty()) index_[vpn & index_mask_] = uint32_t(base + w);
                    return touch(set, w);
                }
            }
            known_absent_ = tag;
            return nullptr;
        }
        const TlbEntry *find(uint32_t va) const;
        TlbEntry *insert(const TlbEntry &entry);
        void invalidate(uint32_t va);
        // Drops 4 KiB fragments of the large page holding `va`.
        void invalidate_fragments(uint32_t va);
        void flush(bool keep_global);
        bool present() const { return sets_ != 0; }
        uint32_t shift() const { return shift_; }
        // A large array holds one large size at a time; a mode change empties it.
        void set_shift(uint32_t shift);

    private:
        int find_slot(uint32_t va) const;
        void drop(size_t slot);
        TlbEntry *touch(uint32_t set, size_t way) {
            repl_.on_hit(set, uint32_t(way));
            const size_t slot = size_t(set) * ways_ + way;
            recent_[set] = uint32_t(slot);
            return &entries_[slot];
        }

        uint32_t sets_;
        uint32_t ways_;
        uint32_t set_mask_;
        uint32_t shift_;
        std::vector<uint32_t> tags_; // (va >> shift) << 1 | 1; 0 = empty; one empty slot if absent
        std::vector<TlbEntry> entries_;
        Replacement repl_;
        std::vector<uint32_t> index_; // page -> slot hint, only for wide sets
        uint32_t index_mask_ = 0;
        std::vector<uint32_t> recent_; // per set: the slot touched (hit or filled) last
        std::vector<uint32_t> filled_; // valid ways per set, so a full set needs no hole search
        // The tag of the last lookup that missed: the fill after a miss need not search again.
        uint32_t known_absent_ = 0;
    };

    TlbLevelParams params_;
    Array small_;
    Array large_;
    bool has_fragments_ = false;
    TlbStats stats_;
    uint64_t changes_ = 0;
    // The entry the last lookup hit and the page it covers; no address matches once forgotten.
    void forget_last() { last_base_ = ~uint64_t(0); }
    const TlbEntry *last_ = nullptr;
    uint64_t last_mask_ = 0;
    uint64_t last_base_ = ~uint64_t(0);
};

} // namespace ia32emu
