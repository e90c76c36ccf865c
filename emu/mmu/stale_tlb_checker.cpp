// The stale-translation checker's slow paths: marking suspects on PTE writes and comparing a
// suspect's PTE on its next use.
#include "emu/mmu/stale_tlb_checker.h"

#include <algorithm>
#include <cstring>

namespace ia32emu {

StaleTlbChecker::StaleTlbChecker(PhysView ram)
    : ram_(ram), pte_frames_((ram.size >> 12) / 64 + 1, 0), suspect_bits_(kSuspectBits / 64, 0) {}

void StaleTlbChecker::on_fill(const TlbEntry &entry) {
    if (entry.pte_pa >= ram_.size)
        return;
    uint64_t pfn = entry.pte_pa >> 12;
    pte_frames_[pfn / 64] |= 1ull << (pfn % 64);
    pte_users_[entry.pte_pa] = entry.va_base;
    if (!suspects_.empty())
        forget_suspect(entry.va_base);
}

void StaleTlbChecker::forget_suspect(uint32_t va_base) {
    suspects_.erase(va_base);
    if (suspects_.empty())
        std::fill(suspect_bits_.begin(), suspect_bits_.end(), 0);
}

void StaleTlbChecker::note_pte_write(uint64_t pa, unsigned size, const Tlb &dtlb) {
    for (uint64_t slot = pa & ~uint64_t(3); slot < pa + size; slot += 4) {
        // A PAE entry is 8 bytes: a write to its upper half is a write to the entry too.
        for (uint64_t entry : {slot, slot & ~uint64_t(7)}) {
            auto it = pte_users_.find(entry);
            if (it == pte_users_.end())
                continue;
            // Only an entry the DTLB still holds can go stale; one evicted since is refilled fresh.
            const TlbLevel *stlb = dtlb.second();
            if (dtlb.first().find(it->second) || (stlb && stlb->find(it->second))) {
                suspects_.insert(it->second);
                size_t bit = suspect_slot(it->second);
                suspect_bits_[bit / 64] |= 1ull << (bit % 64);
            }
        }
    }
}

std::optional<uint64_t> StaleTlbChecker::rewritten_pte(const TlbEntry &entry) const {
    if (entry.pte_pa + entry.pte_bytes > ram_.size)
        return std::nullopt;
    uint64_t now = 0;
    std::memcpy(&now, ram_.ram + entry.pte_pa, entry.pte_bytes);
    if (!pte_rewritten(entry.pte_value, now))
        return std::nullopt;
    return now;
}

// A global entry outlives the CR3 it was filled under. Linux fills its kernel entries through
// whichever process's page directory is current, frees that directory when the process exits,
// and zeroes the page when it is handed out again: the PDE the entry came from is rewritten,
// yet every directory still maps the kernel the same way, so the CPU sees no difference. (The
// Debian boot with a module reported three such false stale_tlb faults.)
bool StaleTlbChecker::current_tables_agree(const TlbEntry &entry, const PagingRegs &now) const {
    const WalkResult walk = walk_page_tables(ram_, now, entry.va_base, AccessKind::Read, Privilege::Supervisor);
    return walk.ok() && walk.page_shift == entry.origin_shift &&
           !pte_rewritten(entry.pte_value, walk.leaf_value) && (walk.flags.writable || !entry.flags.writable) &&
           (walk.flags.user || !entry.flags.user);
}

std::optional<StaleTranslation> StaleTlbChecker::first_use(const TlbEntry &entry, const PagingRegs &now_regs) {
    std::optional<uint64_t> now = rewritten_pte(entry);
    if (!now || current_tables_agree(entry, now_regs))
        return std::nullopt;
    auto [it, fresh] = reported_.emplace(entry.pte_pa, *now);
    if (!fresh && it->second == *now)
        return std::nullopt;
    it->second = *now;
    return StaleTranslation{entry.pte_pa, entry.pte_value, *now};
}

void StaleTlbChecker::on_invlpg(uint32_t va) {
    if (suspects_.empty())
        return;
    suspects_.erase(va & ~0xFFFu);
    forget_suspect(va & ~0x3FFFFFu);
}

} // namespace ia32emu
