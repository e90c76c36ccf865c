// A TLB as one core sees it: fills, invalidation and the wiring of ITLB, DTLB and STLB.
#include "emu/mmu/tlb.h"

#include <stdexcept>

namespace ia32emu {

TlbEntry tlb_entry_from_walk(uint32_t linear, const WalkResult &walk) {
    TlbEntry e;
    uint64_t page_mask = walk.page_bytes() - 1;
    e.va_base = uint32_t(linear & ~page_mask);
    e.page_shift = walk.page_shift;
    e.origin_shift = walk.page_shift;
    e.pte_bytes = walk.leaf_bytes;
    e.flags = walk.flags;
    e.pa_base = walk.pa & ~page_mask;
    e.pte_pa = walk.leaf_pa;
    e.pte_value = walk.leaf_value;
    return e;
}

const TlbEntry *Tlb::insert(const TlbEntry &entry, uint32_t va) {
    const TlbEntry *in_second = second_ ? second_->insert(entry, va) : nullptr;
    const TlbEntry *in_first = first_.insert(entry, va);
    return in_first ? in_first : in_second;
}

void Tlb::invlpg(uint32_t va) {
    first_.invlpg(va);
    if (second_) second_->invlpg(va);
}

void Tlb::flush(bool keep_global) {
    first_.flush(keep_global);
    if (second_) second_->flush(keep_global);
}

static const TlbSystemParams &checked(const TlbSystemParams &p) {
    std::string err = tlb_system_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

TlbSystem::TlbSystem(const TlbSystemParams &params)
    : stlb_(checked(params).has_stlb ? std::optional<TlbLevel>(std::in_place, params.stlb) : std::nullopt),
      itlb_(params.itlb, stlb_ ? &*stlb_ : nullptr),
      dtlb_(params.dtlb, stlb_ ? &*stlb_ : nullptr) {}

void TlbSystem::invlpg(uint32_t va) {
    itlb_.invlpg(va);
    dtlb_.invlpg(va);
}

void TlbSystem::flush(bool keep_global) {
    itlb_.flush(keep_global);
    dtlb_.flush(keep_global);
}

} // namespace ia32emu
