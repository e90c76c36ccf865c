// The store buffer: a store retires into it at once and drains into L1 in program order in the
// background. The core stalls on a store only when every entry is still waiting to drain.
//
// Entries drain in program order. A store whose line L1 holds drains in one cycle once the entry
// ahead has drained. A store that missed L1 drains `fill` cycles after it reaches the head (its
// fill for ownership from L2 is requested there, so such misses drain one after another), or when
// a line already on its way arrives (prefetched, or requested from DRAM as the store entered),
// whichever is later.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ia32emu {

struct StoreBufferParams {
    uint32_t entries = 8;   // stores that can wait to drain (0: every store waits for its line)
};

std::string store_buffer_params_error(const StoreBufferParams &p);

class StoreBuffer {
public:
    explicit StoreBuffer(const StoreBufferParams &params);

    // A store retiring at core cycle `now`. `l1_hit`: its line is writable in L1; else it needs a
    // fill of `fill` cycles from the head, not complete before `line_ready`. Returns the cycles
    // the core stalls for a free entry.
    uint32_t push(uint64_t now, bool l1_hit, uint32_t fill, uint64_t line_ready) {
        uint64_t head = std::max(now, last_drain_);
        uint64_t done = l1_hit ? head + 1 : std::max(head + fill, line_ready);
        uint64_t stall_until = now;
        if (entries_ == 0) {
            stall_until = done;
        } else {
            // The slot this store takes held the store `entries` back; it must have drained.
            uint64_t &slot = drained_[head_];
            stall_until = std::max(now, slot);
            slot = done;
            head_ = head_ + 1 == entries_ ? 0 : head_ + 1;
        }
        last_drain_ = done;
        uint64_t stall = stall_until - now;
        stall_cycles_ += stall;
        return uint32_t(std::min<uint64_t>(stall, UINT32_MAX));
    }

    // The cycle the last store accepted so far has drained.
    uint64_t drained_at() const { return last_drain_; }
    uint64_t stall_cycles() const { return stall_cycles_; }

private:
    std::vector<uint64_t> drained_;   // drain cycle of each entry's last occupant, ring order
    size_t entries_;                  // drained_.size(), kept apart as every store asks
    size_t head_ = 0;
    uint64_t last_drain_ = 0;
    uint64_t stall_cycles_ = 0;
};

} // namespace ia32emu
