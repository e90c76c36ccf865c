// The store buffer: a store retires into it at once and drains into L1 in program order in the
// background. The core stalls on a store only when every entry is still waiting to drain.
//
// Each entry drains one cycle after both the entry ahead of it has drained and its own line is
// writable in L1: a store that missed waits for its read-for-ownership, which the memory system
// starts when the store enters the buffer.
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

    // A store retiring at core cycle `now` whose line is writable in L1 at `line_ready`: the
    // cycles the core stalls for a free entry.
    uint32_t push(uint64_t now, uint64_t line_ready) {
        uint64_t stall_until = now;
        if (drained_.empty()) {
            stall_until = std::max(now, line_ready);
        } else {
            // The slot this store takes held the store `entries` back; it must have drained.
            uint64_t &slot = drained_[head_];
            stall_until = std::max(now, slot);
            uint64_t done = std::max(last_drain_, line_ready) + 1;
            slot = done;
            last_drain_ = done;
            head_ = head_ + 1 == drained_.size() ? 0 : head_ + 1;
        }
        uint64_t stall = stall_until - now;
        stall_cycles_ += stall;
        return uint32_t(std::min<uint64_t>(stall, UINT32_MAX));
    }

    // The cycle the last store accepted so far has drained.
    uint64_t drained_at() const { return last_drain_; }
    uint64_t stall_cycles() const { return stall_cycles_; }

private:
    std::vector<uint64_t> drained_;   // drain cycle of each entry's last occupant, ring order
    size_t head_ = 0;
    uint64_t last_drain_ = 0;
    uint64_t stall_cycles_ = 0;
};

} // namespace ia32emu
