// Predictor construction: counters start weakly not-taken, as after a reset.
#include "emu/timing/branch_predictor.h"

#include <bit>
#include <stdexcept>

namespace ia32emu {

std::string branch_predictor_params_error(const BranchPredictorParams &p) {
    if (p.entries != 0 && !std::has_single_bit(p.entries)) return "branch.entries must be a power of two (or 0)";
    if (p.entries > (1u << 20)) return "branch.entries must be at most 1048576";
    if (p.history_bits > 20) return "branch.history_bits must be at most 20";
    return {};
}

static const BranchPredictorParams &checked(const BranchPredictorParams &p) {
    std::string err = branch_predictor_params_error(p);
    if (!err.empty()) throw std::invalid_argument(err);
    return p;
}

BranchPredictor::BranchPredictor(const BranchPredictorParams &params)
    : counters_(checked(params).entries, 1),
      mask_(params.entries ? params.entries - 1 : 0),
      history_mask_(params.history_bits ? (1u << params.history_bits) - 1 : 0),
      penalty_(params.mispredict_penalty) {}

} // namespace ia32emu
