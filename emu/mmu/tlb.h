// A TLB as one core sees it: a first level (ITLB or DTLB), optionally backed by a unified second
// level shared with the other; and the set of both, with the flushes the CPU applies to all.
#pragma once

#include <cstdint>
#include <optional>

#include "emu/mmu/page_walker.h"
#include "emu/mmu/tlb_level.h"
#include "emu/mmu/tlb_params.h"

namespace ia32emu {

// The TLB entry a successful walk of `linear` yields.
TlbEntry tlb_entry_from_walk(uint32_t linear, const WalkResult &walk);

// Whether the leaf entry in memory now maps differently from what a TLB entry remembers, in a
// way that needs an invalidation. Accessed and Dirty are ignored: the guest clearing them (page
// aging) changes no translation. So is a permission granted (R/W or U/S from 0 to 1): the SDM
// (vol. 3, 4.10.4.3, "optional invalidation") allows it without one, since an access the old
// entry refuses faults, and a page fault drops the entry; Linux upgrades PTEs this way.
constexpr bool pte_rewritten(uint64_t remembered, uint64_t in_memory) {
    uint64_t changed = remembered ^ in_memory;
    uint64_t granted = changed & in_memory & (kPteRw | kPteUs);
    return (changed & ~(kPteA | kPteD | granted)) != 0;
}

struct TlbLookup {
    const TlbEntry *entry = nullptr; // null on a miss in every level
    uint8_t level = 0;               // 1 = first-level hit, 2 = second-level hit, 0 = miss
    uint32_t cycles = 0;             // the hit latency of the level that hit; 0 on a miss
};

class Tlb {
public:
    // `second` may be null, or a level shared with another Tlb; it must outlive this one.
    explicit Tlb(const TlbLevelParams &first, TlbLevel *second = nullptr) : first_(first), second_(second) {}

    // A second-level hit is copied into the first level, as hardware refills the L1 TLB.
    // On a write through an entry whose flags.dirty is false, hardware walks again to set D; the
    // caller should do the same (and insert the walk's result).
    // Inlined into the timing model's per-access and per-block paths, where it nearly always hits.
    [[gnu::always_inline]] TlbLookup lookup(uint32_t va) {
        if (const TlbEntry *e = first_.lookup(va)) return {e, 1, first_.hit_latency()};
        if (second_ == nullptr) return {};
        const TlbEntry *e = second_->lookup(va);
        if (e == nullptr) return {};
        const TlbEntry *filled = first_.insert(*e, va);
        return {filled ? filled : e, 2, second_->hit_latency()};
    }
    // After a walk: fills both levels. Returns the first level's copy (or the second's).
    const TlbEntry *insert(const TlbEntry &entry, uint32_t va);
    void invlpg(uint32_t va);
    // keep_global = CR4.PGE on a CR3 write; flush_all for a paging-mode or PGE change.
    void flush(bool keep_global);
    void flush_all() { flush(false); }

    TlbLevel &first() { return first_; }
    const TlbLevel &first() const { return first_; }
    const TlbLevel *second() const { return second_; }

private:
    TlbLevel first_;
    TlbLevel *second_;
};

// The ITLB, DTLB and optional STLB of one core, wired together. Not copyable: the two TLBs point
// at the shared second level.
class TlbSystem {
public:
    // Throws std::invalid_argument with tlb_system_params_error's message on bad params.
    explicit TlbSystem(const TlbSystemParams &params);
    TlbSystem(const TlbSystem &) = delete;
    TlbSystem &operator=(const TlbSystem &) = delete;

    Tlb &itlb() { return itlb_; }
    Tlb &dtlb() { return dtlb_; }
    const Tlb &itlb() const { return itlb_; }
    const Tlb &dtlb() const { return dtlb_; }
    const TlbLevel *stlb() const { return stlb_ ? &*stlb_ : nullptr; }

    // INVLPG: the page leaves every TLB.
    void invlpg(uint32_t va);
    // MOV CR3 (keep_global = CR4.PGE): non-global entries leave every TLB.
    void flush(bool keep_global);
    // A CR0.PG/CR4.PGE/PAE/PSE change: everything leaves, global or not.
    void flush_all() { flush(false); }

private:
    std::optional<TlbLevel> stlb_;
    Tlb itlb_;
    Tlb dtlb_;
};

} // namespace ia32emu
