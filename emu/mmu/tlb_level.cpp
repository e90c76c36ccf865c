// One TLB level: parameter checks, fills, invalidation and flushes.
#include "emu/mmu/tlb_level.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace ia32emu {

namespace {

// Sets wider than this get a page -> slot index so a hit does not scan every way.
constexpr uint32_t kIndexedWays = 8;

std::string array_error(const std::string &who, const TlbArrayParams &a, ReplacementPolicy policy) {
    if (a.entries == 0) return {};
    if (a.ways == 0 || a.entries % a.ways != 0)
        return who + ".entries (" + std::to_string(a.entries) + ") must be a nonzero multiple of ways (" +
               std::to_string(a.ways) + ")";
    if (!std::has_single_bit(a.entries / a.ways))
        return who + ".entries/ways must be a power of two, got " + std::to_string(a.entries / a.ways);
    std::string err = replacement_geometry_error(policy, a.ways);
    if (!err.empty()) return who + ".replacement: " + err;
    return {};
}

} // namespace

std::string tlb_level_params_error(const TlbLevelParams &p) {
    const std::string who = p.name.empty() ? std::string("tlb") : p.name;
    if (p.small.entries == 0 && p.large.entries == 0) return who + " must have entries for some page size";
    std::string err = array_error(who + ".small", p.small, p.policy);
    if (err.empty()) err = array_error(who + ".large", p.large, p.policy);
    return err;
}

std::string tlb_system_params_error(const TlbSystemParams &p) {
    std::string err = tlb_level_params_error(p.itlb);
    if (err.empty()) err = tlb_level_params_error(p.dtlb);
    if (err.empty() && p.has_stlb) err = tlb_level_params_error(p.stlb);
    return err;
}

static const TlbLevelParams &checked(const TlbLevelParams &p) {
    std::string err = tlb_level_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

TlbLevel::Array::Array(const TlbArrayParams &p, ReplacementPolicy policy, uint64_t seed, uint32_t page_shift)
    : sets_(p.entries ? p.entries / p.ways : 0),
      ways_(p.entries ? p.ways : 0),
      set_mask_(sets_ ? sets_ - 1 : 0),
      shift_(page_shift),
      tags_(std::max<uint32_t>(p.entries, 1), 0),
      entries_(std::max<uint32_t>(p.entries, 1)),
      repl_(policy, sets_, ways_ ? ways_ : 1, seed),
      recent_(first_slot_of_each_set(sets_, ways_)),
      filled_(sets_, 0) {
    if (ways_ > kIndexedWays) {
        index_.assign(std::bit_ceil(uint32_t(p.entries) * 2), 0);
        index_mask_ = uint32_t(index_.size() - 1);
    }
}

int TlbLevel::Array::find_slot(uint32_t va) const {
    if (sets_ == 0) return -1;
    uint32_t vpn = va >> shift_;
    uint32_t tag = vpn << 1 | 1;
    if (!index_.empty() && tags_[index_[vpn & index_mask_]] == tag) return int(index_[vpn & index_mask_]);
    size_t base = size_t(vpn & set_mask_) * ways_;
    for (uint32_t w = 0; w < ways_; ++w)
        if (tags_[base + w] == tag) return int(base + w);
    return -1;
}

const TlbEntry *TlbLevel::Array::find(uint32_t va) const {
    int slot = find_slot(va);
    return slot < 0 ? nullptr : &entries_[size_t(slot)];
}

TlbEntry *TlbLevel::Array::insert(const TlbEntry &entry) {
    uint32_t vpn = entry.va_base >> shift_;
    uint32_t set = vpn & set_mask_;
    size_t base = size_t(set) * ways_;
    uint32_t tag = vpn << 1 | 1;
    int slot = tag == known_absent_ ? -1 : find_slot(entry.va_base);
    uint32_t way = ways_;
    if (slot >= 0) {
        way = uint32_t(size_t(slot) - base);
    } else if (filled_[set] < ways_) {
        for (uint32_t w = 0; w < ways_; ++w) {
            if (tags_[base + w] == 0) {
                way = w;
                break;
            }
        }
        ++filled_[set];
    } else {
        way = repl_.victim(set);
    }
    known_absent_ = 0;
    tags_[base + way] = tag;
    entries_[base + way] = entry;
    repl_.on_fill(set, way);
    recent_[set] = uint32_t(base + way);
    if (!index_.empty()) index_[vpn & index_mask_] = uint32_t(base + way);
    return &entries_[base + way];
}

void TlbLevel::Array::drop(size_t slot) {
    tags_[slot] = 0;
    --filled_[slot / ways_];
}

void TlbLevel::Array::invalidate(uint32_t va) {
    int slot = find_slot(va);
    if (slot >= 0) drop(size_t(slot));
}

void TlbLevel::Array::invalidate_fragments(uint32_t va) {
    for (size_t i = 0; i < tags_.size(); ++i) {
        const TlbEntry &e = entries_[i];
        if (tags_[i] != 0 && e.origin_shift != e.page_shift &&
            (e.va_base >> e.origin_shift) == (va >> e.origin_shift))
            drop(i);
    }
}

void TlbLevel::Array::flush(bool keep_global) {
    for (size_t i = 0; i < tags_.size(); ++i)
        if (tags_[i] != 0 && !(keep_global && entries_[i].flags.global)) drop(i);
}

void TlbLevel::Array::set_shift(uint32_t shift) {
    if (shift == shift_) return;
    flush(false);
    shift_ = shift;
    known_absent_ = 0;
}

TlbLevel::TlbLevel(const TlbLevelParams &params)
    : params_(checked(params)),
      small_(params.small, params.policy, params.seed, 12),
      large_(params.large, params.policy, params.seed, 22) {}

const TlbEntry *TlbLevel::find(uint32_t va) const {
    if (const TlbEntry *e = small_.find(va)) return e;
    return large_.find(va);
}

const TlbEntry *TlbLevel::insert(const TlbEntry &entry, uint32_t va) {
    ++changes_;
    forget_last();
    if (entry.page_shift == 12) return small_.present() ? small_.insert(entry) : nullptr;
    if (large_.present()) {
        large_.set_shift(entry.page_shift);
        return large_.insert(entry);
    }
    if (!small_.present()) return nullptr;
    TlbEntry fragment = entry;
    uint32_t offset = (va & ~uint32_t(0xfff)) - entry.va_base;
    fragment.va_base = entry.va_base + offset;
    fragment.pa_base = entry.pa_base + offset;
    fragment.page_shift = 12;
    fragment.origin_shift = entry.page_shift;
    has_fragments_ = true;
    return small_.insert(fragment);
}

void TlbLevel::invlpg(uint32_t va) {
    ++changes_;
    forget_last();
    small_.invalidate(va);
    large_.invalidate(va);
    if (has_fragments_) small_.invalidate_fragments(va);
}

void TlbLevel::flush(bool keep_global) {
    ++changes_;
    forget_last();
    small_.flush(keep_global);
    large_.flush(keep_global);
    if (!keep_global) has_fragments_ = false;
}

} // namespace ia32emu
