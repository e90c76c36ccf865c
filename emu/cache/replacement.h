// Victim selection for set-associative structures (caches and TLBs): exact LRU, tree pseudo-LRU,
// FIFO and a seeded pseudo-random choice, dispatched by a switch rather than a virtual call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ia32emu {

enum class ReplacementPolicy : uint8_t { Lru, TreePlru, Fifo, Random };

// Accepts "lru", "plru" (or "tree-plru"), "fifo", "random".
std::optional<ReplacementPolicy> parse_replacement_policy(std::string_view name);
std::string_view replacement_policy_name(ReplacementPolicy policy);
// Empty when `policy` can manage sets of `ways` ways, else a one-line reason.
std::string replacement_geometry_error(ReplacementPolicy policy, uint32_t ways);

// Touching the way a set touched last leaves every policy's state as it is, so the caches and
// TLBs keep, per set, the slot (set * ways + way) of that way and skip the update on a hit there.
// Before a set is touched it is the set's first slot, whose empty tag matches nothing; an absent
// array (no sets) gets one such slot.
std::vector<uint32_t> first_slot_of_each_set(uint32_t sets, uint32_t ways);

// Every policy sees the same three events. The owner fills invalid ways first and asks for a
// victim only when the whole set is valid, so no policy needs to know about validity.

// A per-set order of ways, most recent first, as a doubly linked list so that both promoting a
// way and finding the last one take constant time, however wide the set (a fully associative
// 128-entry TLB is one set of 128 ways).
class RecencyList {
public:
    RecencyList(uint32_t sets, uint32_t ways);
    void to_front(uint32_t set, uint32_t way) {
        uint16_t &head = head_[set];
        if (head == way) return;
        uint16_t *prev = &prev_[size_t(set) * ways_];
        uint16_t *next = &next_[size_t(set) * ways_];
        uint16_t p = prev[way];
        if (tail_[set] == way) {
            tail_[set] = p;
        } else {
            prev[next[way]] = p;
        }
        next[p] = next[way];
        next[way] = head;
        prev[head] = uint16_t(way);
        head = uint16_t(way);
    }
    uint32_t back(uint32_t set) const { return tail_[set]; }

private:
    uint32_t ways_;
    std::vector<uint16_t> prev_;
    std::vector<uint16_t> next_;
    std::vector<uint16_t> head_;
    std::vector<uint16_t> tail_;
};

// Exact LRU: a use moves the way to the front; the victim is the back.
class LruPolicy {
public:
    LruPolicy(uint32_t sets, uint32_t ways) : order_(sets, ways) {}
    void on_hit(uint32_t set, uint32_t way) { order_.to_front(set, way); }
    void on_fill(uint32_t set, uint32_t way) { order_.to_front(set, way); }
    uint32_t victim(uint32_t set) const { return order_.back(set); }

private:
    RecencyList order_;
};

// FIFO: like LRU, but only a fill moves a way to the front, so the oldest resident is the victim.
class FifoPolicy {
public:
    FifoPolicy(uint32_t sets, uint32_t ways) : order_(sets, ways) {}
    void on_hit(uint32_t, uint32_t) {}
    void on_fill(uint32_t set, uint32_t way) { order_.to_front(set, way); }
    uint32_t victim(uint32_t set) const { return order_.back(set); }

private:
    RecencyList order_;
};

// Tree pseudo-LRU: a binary tree of ways-1 bits per set (power-of-two
// ways, at most 64). Node n has children 2n+1 (lower half of its ways) and 2n+2 (upper half); a
// bit of 1 means "the victim is in the upper half". A use flips every node on the way's path to
// point away from it; the bits a use sets and clears are precomputed per way, so a hit is two
// mask operations.
class TreePlruPolicy {
public:
    TreePlruPolicy(uint32_t sets, uint32_t ways);
    void on_hit(uint32_t set, uint32_t way) { bits_[set] = (bits_[set] | set_on_use_[way]) & ~clear_on_use_[way]; }
    void on_fill(uint32_t set, uint32_t way) { on_hit(set, way); }
    uint32_t victim(uint32_t set) const;

private:
    uint32_t ways_;
    std::vector<uint64_t> bits_;
    std::vector<uint64_t> set_on_use_;
    std::vector<uint64_t> clear_on_use_;
};

// Pseudo-random from a fixed seed (xorshift64*), so runs repeat exactly.
class RandomPolicy {
public:
    RandomPolicy(uint32_t ways, uint64_t seed) : ways_(ways), state_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
    void on_hit(uint32_t, uint32_t) {}
    void on_fill(uint32_t, uint32_t) {}
    uint32_t victim(uint32_t set);

private:
    uint32_t ways_;
    uint64_t state_;
};

// The state of one structure's sets under one policy. Only the selected policy holds storage.
class Replacement {
public:
    Replacement(ReplacementPolicy policy, uint32_t sets, uint32_t ways, uint64_t seed);

    void on_hit(uint32_t set, uint32_t way) {
        switch (policy_) {
        case ReplacementPolicy::Lru: lru_.on_hit(set, way); break;
        case ReplacementPolicy::TreePlru: plru_.on_hit(set, way); break;
        case ReplacementPolicy::Fifo: break;
        case ReplacementPolicy::Random: break;
        }
    }
    void on_fill(uint32_t set, uint32_t way) {
        switch (policy_) {
        case ReplacementPolicy::Lru: lru_.on_fill(set, way); break;
        case ReplacementPolicy::TreePlru: plru_.on_fill(set, way); break;
        case ReplacementPolicy::Fifo: fifo_.on_fill(set, way); break;
        case ReplacementPolicy::Random: break;
        }
    }
    uint32_t victim(uint32_t set) {
        switch (policy_) {
        case ReplacementPolicy::Lru: return lru_.victim(set);
        case ReplacementPolicy::TreePlru: return plru_.victim(set);
        case ReplacementPolicy::Fifo: return fifo_.victim(set);
        case ReplacementPolicy::Random: return random_.victim(set);
        }
        return 0;
    }
    ReplacementPolicy policy() const { return policy_; }

private:
    ReplacementPolicy policy_;
    LruPolicy lru_;
    FifoPolicy fifo_;
    TreePlruPolicy plru_;
    RandomPolicy random_;
};

} // namespace ia32emu
