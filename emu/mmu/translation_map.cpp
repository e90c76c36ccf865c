// A flat array answers the common case (one alias per RAM frame) without hashing.
#include "emu/mmu/translation_map.h"

#include <algorithm>

namespace ia32emu {

TranslationMap::TranslationMap(uint64_t ram_bytes) : single_(ram_bytes >> 12, kNone) {}

void TranslationMap::on_fill(uint32_t va_page, uint64_t pa_page) {
    uint64_t pfn = pa_page >> 12;
    auto it = frame_of_.find(va_page);
    if (it != frame_of_.end()) {
        if (it->second == pfn)
            return;
        remove(it->second, va_page);
        it->second = pfn;
    } else {
        frame_of_.emplace(va_page, pfn);
    }
    add(pfn, va_page);
}

void TranslationMap::on_invlpg(uint32_t va_page) {
    auto it = frame_of_.find(va_page);
    if (it == frame_of_.end())
        return;
    remove(it->second, va_page);
    frame_of_.erase(it);
}

void TranslationMap::clear() {
    for (const auto &[va, pfn] : frame_of_)
        if (pfn < single_.size())
            single_[pfn] = kNone;
    frame_of_.clear();
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
