// Where tracked calls and guest-marked regions begin and end, with the timing model's counters at
// that instant, handed to PathAccounting. The model only keeps time; this watches the flow.
//
// A call begins at a tracked function's entry only when the block before ended in a call, so a
// function whose first instruction is also its loop's target is counted once per call; it ends
// at the return address it pushed. A region marker is a port write: the region starts just after
// its begin marker and ends just before its end marker, inside the block that holds them.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "emu/timing/block_decoder.h"
#include "emu/timing/path_accounting.h"
#include "emu/timing/timing_model.h"

namespace ia32emu {

class PathProbes {
public:
    // `model`: whose counters the calls and regions are measured by; `guest`: ESP, the return
    // address on the stack and EAX at a return.
    PathProbes(const TimingModel &model, const GuestView &guest);

    void track_function(const std::string &name, uint32_t entry, FailureRule failure = FailureRule::None);

    // A block is about to run, and the model's clock stands at its start (TimingModel::enter_block
    // has run, TimingModel::on_block not yet).
    void on_block(const BlockInfo &block) {
        const bool entered_by_call = last_block_called_;
        last_block_called_ = block.ends_in_call;
        port_accesses_in_block_ = 0;
        const size_t s = watch_slot(block.pc);
        if (watch_bits_[s / 64] & (1ull << (s % 64)))
            on_watched_block(block.pc, entered_by_call);
    }
    // Every in/out the guest executes: the n-th since the block began is its n-th in/out
    // instruction, which is where a marker among them lies.
    void on_port_access() { ++port_accesses_in_block_; }

    void region_begin(const std::string &name);
    // False when no region of that name is open: the marker is the guest's mistake to report.
    bool region_end(const std::string &name);
    bool region_fail(const std::string &name);

    const PathAccounting &accounting() const { return paths_; }
    // Keep every completed call and region for --trace; self cycles per call stack for --folded.
    void record_timeline() { paths_.record_timeline(); }
    void record_folded() { paths_.record_folded(); }

private:
    static constexpr size_t kWatchBits = 1 << 16;
    static size_t watch_slot(uint32_t pc) { return (pc ^ (pc >> 16)) & (kWatchBits - 1); }
    void watch(uint32_t pc);
    void on_watched_block(uint32_t pc, bool entered_by_call);
    CounterSnapshot snapshot_at_port(bool after) const;

    const TimingModel &model_;
    const GuestView &guest_;
    PathAccounting paths_;
    bool last_block_called_ = false;
    uint32_t port_accesses_in_block_ = 0;
    // A bitmap over block addresses lets the common block skip both maps below.
    std::vector<uint64_t> watch_bits_;
    std::unordered_map<uint32_t, PathAccounting::PathId> entries_;
    std::unordered_set<uint32_t> return_sites_;
};

} // namespace ia32emu
