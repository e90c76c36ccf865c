// Flat arrays answer the common cases without hashing: one alias per RAM frame, and a virtual
// page's frame. The translations handed out are also kept as a dense list (a sparse set over
// virtual pages), so that a flush visits only them.
#include "emu/mmu/translation_map.h"

#include <algorithm>

namespace ia32emu {

TranslationMap::TranslationMap(uint64_t ram_bytes) : single_(ram_bytes >> 12, kNone), slot_of_va_(1u << 20, 0) {}

void TranslationMap::on_fill(uint32_t va_page, uint64_t pa_page) {
    uint64_t pfn = pa_page >> 12;
    if (Filled *f = filled_at(va_page)) {
        if (f->pfn == pfn)
            return;
        remove(f->pfn, va_page);
        f->pfn = pfn;
    } else {
        slot_of_va_[va_page >> 12] = uint32_t(filled_.size());
        filled_.push_back({va_page, pfn});
    }
    add(pfn, va_page);
}

void TranslationMap::on_invlpg(uint32_t va_page) {
    Filled *f = filled_at(va_page);
    if (!f)
        return;
    remove(f->pfn, va_page);
    // The last translation takes the hole, so the list stays dense.
    *f = filled_.back();
    slot_of_va_[f->va_page >> 12] = uint32_t(f - filled_.data());
    filled_.pop_back();
}

void TranslationMap::clear() {
    for (const Filled &f : filled_)
        if (f.pfn < single_.size())
            single_[f.pfn] = kNone;
    filled_.clear();
    many_.clear();
}

const uint32_t *TranslationMap::aliases_slow(uint64_t pfn, unsigned &count) const {
    auto it = many_.find(pfn);
    if (it == many_.end()) {
        count = 0;
        return nullptr;
    }
    count = unsigned(it->second.size());
    return it->second.data();
}

void TranslationMap::add(uint64_t pfn, uint32_t va_page) {
    if (pfn < single_.size()) {
        uint32_t &slot = single_[pfn];
        if (slot == kNone) {
            slot = va_page;
            return;
        }
        if (slot != kMany) {
            many_[pfn] = {slot};
            slot = kMany;
        }
    }
    auto &list = many_[pfn];
    if (std::find(list.begin(), list.end(), va_page) == list.end())
        list.push_back(va_page);
}

void TranslationMap::remove(uint64_t pfn, uint32_t va_page) {
    if (pfn < single_.size() && single_[pfn] != kMany) {
        if (single_[pfn] == va_page)
            single_[pfn] = kNone;
        return;
    }
    auto it = many_.find(pfn);
    if (it == many_.end())
        return;
    auto &list = it->second;
    list.erase(std::remove(list.begin(), list.end(), va_page), list.end());
    if (pfn < single_.size() && list.size() <= 1) {
        single_[pfn] = list.empty() ? kNone : list.front();
        many_.erase(it);
    } else if (list.empty()) {
        many_.erase(it);
    }
}

} // namespace ia32emu
