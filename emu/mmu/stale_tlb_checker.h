// Finds accesses through a TLB entry whose paging entry the guest rewrote without invalidating it
// (no invlpg, no CR3 reload): the translation hardware would still use is not the one in memory.
//
// Re-reading the PTE on every hit would cost more than the TLB model itself, so frames that hold a
// PTE some entry was filled from are marked; a guest write into one marks the entries filled from
// that PTE as suspects, and only a suspect's next hit compares the PTE with the remembered one.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "emu/mmu/page_walker.h"
#include "emu/mmu/tlb.h"

namespace ia32emu {

// A use of a stale entry: the PTE at pte_pa was `remembered` when the entry was filled, `now` since.
struct StaleTranslation {
    uint64_t pte_pa = 0;
    uint64_t remembered = 0;
    uint64_t now = 0;
};

class StaleTlbChecker {
public:
    // `ram`: guest RAM, where the PTEs are read back.
    explicit StaleTlbChecker(PhysView ram);

    // A walk with paging on filled `entry`.
    void on_fill(const TlbEntry &entry);
    // The guest wrote `size` bytes at `pa`; `dtlb` says which entries could still go stale.
    void on_write(uint64_t pa, unsigned size, const Tlb &dtlb) {
        if (pa < ram_.size && (pte_frames_[(pa >> 12) / 64] & (1ull << ((pa >> 12) % 64))))
            note_pte_write(pa, size, dtlb);
    }
    // An access hit `entry` without walking: the stale translation it used, once per new PTE value.
    // `paging()` gives the control registers now; it is asked only of a suspect entry.
    template <class Paging>
    std::optional<StaleTranslation> on_hit(const TlbEntry &entry, Paging &&paging) {
        if (suspects_.empty() || !maybe_suspect(entry.va_base) || !suspects_.count(entry.va_base))
            return std::nullopt;
        std::optional<StaleTranslation> stale = first_use(entry, paging());
        forget_suspect(entry.va_base);
        return stale;
    }
    // INVLPG of the page holding `va` drops what its entries were suspected of.
    void on_invlpg(uint32_t va);
    // The PTE's value in memory when it differs (beyond A/D) from what the entry remembers.
    std::optional<uint64_t> rewritten_pte(const TlbEntry &entry) const;

private:
    static constexpr size_t kSuspectBits = 1 << 16;
    static size_t suspect_slot(uint32_t va_base) { return (va_base >> 12) & (kSuspectBits - 1); }
    bool maybe_suspect(uint32_t va_base) const {
        size_t s = suspect_slot(va_base);
        return suspect_bits_[s / 64] & (1ull << (s % 64));
    }
    void note_pte_write(uint64_t pa, unsigned size, const Tlb &dtlb);
    std::optional<StaleTranslation> first_use(const TlbEntry &entry, const PagingRegs &now);
    // Whether the paging structures `now` selects still give `entry`'s translation, with at
    // least its rights.
    bool current_tables_agree(const TlbEntry &entry, const PagingRegs &now) const;
    void forget_suspect(uint32_t va_base);

    PhysView ram_;
    std::vector<uint64_t> pte_frames_;                        // bitmap over RAM frames
    std::unordered_map<uint64_t, uint32_t> pte_users_;        // PTE address -> va_base of the entry filled from it
    std::unordered_set<uint32_t> suspects_;                   // va_base of entries whose PTE was written since
    // A filter in front of suspects_, so that a hit on an innocent page costs no hashing.
    std::vector<uint64_t> suspect_bits_;
    std::unordered_map<uint64_t, uint64_t> reported_;         // PTE address -> value reported
};

} // namespace ia32emu
