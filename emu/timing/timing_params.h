// What the timing model needs of a board: each unit's own parameter struct, and the few costs the
// model charges itself. The board fills it (BoardConfig::timing_params); the model never sees the
// board, so it can be built and tested from these alone.
#pragma once

#include <cstdint>

#include "emu/cache/cache_params.h"
#include "emu/cache/memory_system.h"
#include "emu/mmu/tlb_params.h"
#include "emu/timing/branch_predictor.h"
#include "emu/timing/core_params.h"
#include "emu/timing/cost_config.h"
#include "emu/timing/string_config.h"

namespace ia32emu {

struct TimingParams {
    CoreParams core;
    CostConfig cost;
    CacheHierarchyParams cache;
    MemorySystemParams memory_system;
    TlbSystemParams tlb;
    BranchPredictorParams branch;
    StringConfig strings;
    uint32_t page_walk_cycles = 0;   // the walker's own work; its PDE/PTE reads go through the caches, cycles
    uint32_t uncached_latency = 0;   // one access to a PCD/UC page of RAM, cycles
    uint32_t mmio_latency = 0;       // one access to a device register or MMIO BAR, cycles
};

} // namespace ia32emu
