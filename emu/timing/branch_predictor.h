// Conditional-branch direction prediction: a table of 2-bit saturating counters indexed by the
// branch address, XORed with a global history of recent outcomes when history_bits > 0 (gshare;
// with 0 it is a bimodal predictor). A wrong guess costs the published misprediction penalty,
// the cycles the pipeline needs to refill from the right target.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ia32emu {

struct BranchPredictorParams {
    uint32_t entries = 0;             // 2-bit counters, a power of two (0: no predictor, branches cost nothing extra)
    uint32_t history_bits = 0;        // global history folded into the index (0: bimodal)
    uint32_t mispredict_penalty = 0;  // core cycles lost per wrong direction
};

std::string branch_predictor_params_error(const BranchPredictorParams &p);

struct BranchStats {
    uint64_t branches = 0;
    uint64_t mispredicts = 0;
};

class BranchPredictor {
public:
    // Throws std::invalid_argument with branch_predictor_params_error's message on bad params.
    explicit BranchPredictor(const BranchPredictorParams &params);

    // The conditional branch at `pc` went `taken` (or not): the cycles its prediction cost.
    uint32_t resolve(uint32_t pc, bool taken) {
        if (counters_.empty()) return 0;
        ++stats_.branches;
        uint32_t index = (pc ^ (pc >> 12) ^ history_) & mask_;
        uint8_t &c = counters_[index];
        bool predicted = c >= 2;
        if (taken && c < 3) ++c;
        if (!taken && c > 0) --c;
        history_ = ((history_ << 1) | (taken ? 1u : 0u)) & history_mask_;
        if (predicted == taken) return 0;
        ++stats_.mispredicts;
        return penalty_;
    }

    const BranchStats &stats() const { return stats_; }

private:
    std::vector<uint8_t> counters_;
    uint32_t mask_ = 0;
    uint32_t history_ = 0;
    uint32_t history_mask_ = 0;
    uint32_t penalty_ = 0;
    BranchStats stats_;
};

} // namespace ia32emu
