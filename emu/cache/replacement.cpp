// Victim selection for set-associative structures: policy names, geometry checks, victim scans.
#include "emu/cache/replacement.h"

#include <algorithm>
#include <bit>

namespace ia32emu {

std::optional<ReplacementPolicy> parse_replacement_policy(std::string_view name) {
    if (name == "lru") return ReplacementPolicy::Lru;
    if (name == "plru" || name == "tree-plru") return ReplacementPolicy::TreePlru;
    if (name == "fifo") return ReplacementPolicy::Fifo;
    if (name == "random") return ReplacementPolicy::Random;
    return std::nullopt;
}

std::string_view replacement_policy_name(ReplacementPolicy policy) {
    switch (policy) {
    case ReplacementPolicy::Lru: return "lru";
    case ReplacementPolicy::TreePlru: return "plru";
    case ReplacementPolicy::Fifo: return "fifo";
    case ReplacementPolicy::Random: return "random";
    }
    return "?";
}

std::string replacement_geometry_error(ReplacementPolicy policy, uint32_t ways) {
    if (ways == 0) return "associativity must be at least 1";
    if (ways > 65536) return "associativity must be at most 65536, got " + std::to_string(ways);
    if (policy == ReplacementPolicy::TreePlru && (!std::has_single_bit(ways) || ways > 64))
        return "plru needs a power-of-two associativity of at most 64, got " + std::to_string(ways);
    return {};
}

std::vector<uint32_t> first_slot_of_each_set(uint32_t sets, uint32_t ways) {
    std::vector<uint32_t> slots(std::max<uint32_t>(sets, 1), 0);
    for (uint32_t s = 0; s < sets; ++s) slots[s] = s * ways;
    return slots;
}

RecencyList::RecencyList(uint32_t sets, uint32_t ways)
    : ways_(ways), prev_(size_t(sets) * ways), next_(size_t(sets) * ways), head_(sets, 0),
      tail_(sets, uint16_t(ways - 1)) {
    for (size_t set = 0; set < sets; ++set) {
        for (uint32_t w = 0; w < ways; ++w) {
            prev_[set * ways + w] = uint16_t(w ? w - 1 : 0);
            next_[set * ways + w] = uint16_t(w + 1 < ways ? w + 1 : w);
        }
    }
}

TreePlruPolicy::TreePlruPolicy(uint32_t sets, uint32_t ways)
    : ways_(ways), bits_(sets, 0), set_on_use_(sets ? ways : 0, 0), clear_on_use_(sets ? ways : 0, 0) {
    for (uint32_t way = 0; way < set_on_use_.size(); ++way) {
        uint32_t node = 0, lo = 0, hi = ways;
        while (hi - lo > 1) {
            uint32_t mid = (lo + hi) / 2;
            if (way < mid) {
                set_on_use_[way] |= uint64_t(1) << node;
                node = 2 * node + 1;
                hi = mid;
            } else {
                clear_on_use_[way] |= uint64_t(1) << node;
                node = 2 * node + 2;
                lo = mid;
            }
        }
    }
}

uint32_t TreePlruPolicy::victim(uint32_t set) const {
    uint64_t bits = bits_[set];
    uint32_t node = 0, lo = 0, hi = ways_;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (bits >> node & 1) {
            node = 2 * node + 2;
            lo = mid;
        } else {
            node = 2 * node + 1;
            hi = mid;
        }
    }
    return lo;
}

uint32_t RandomPolicy::victim(uint32_t) {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return uint32_t(((state_ * 0x2545f4914f6cdd1dull) >> 32) % ways_);
}

Replacement::Replacement(ReplacementPolicy policy, uint32_t sets, uint32_t ways, uint64_t seed)
    : policy_(policy),
      lru_(policy == ReplacementPolicy::Lru ? sets : 0, ways),
      fifo_(policy == ReplacementPolicy::Fifo ? sets : 0, ways),
      plru_(policy == ReplacementPolicy::TreePlru ? sets : 0, ways),
      random_(ways, seed) {}

} // namespace ia32emu
