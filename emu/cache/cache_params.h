// The parameters of one cache level and of the whole hierarchy, as the board file gives them.
#pragma once

#include <cstdint>
#include <string>

#include "emu/cache/replacement.h"

namespace ia32emu {

struct CacheParams {
    std::string name;                                  // label for messages and reports, e.g. "l1d"
    uint64_t size_bytes = 0;                           // capacity, bytes
    uint32_t ways = 0;                                 // associativity, ways per set
    uint32_t line_bytes = 64;                          // line size, bytes (power of two, >= 8)
    uint32_t latency = 0;                              // load-to-use latency when this level supplies the data, core cycles
    ReplacementPolicy policy = ReplacementPolicy::Lru; // victim choice within a set
    uint64_t seed = 1;                                 // seed of the Random policy, unitless
};

// Empty when the level is buildable, else one line naming the field: sets must come out a power of
// two, line size a power of two of at least 8 bytes, ways acceptable to the policy.
std::string cache_params_error(const CacheParams &p);

struct CacheHierarchyParams {
    CacheParams l1i;
    CacheParams l1d;
    CacheParams l2;                  // unified, behind both L1s
    bool has_l3 = false;
    CacheParams l3;                  // unified, behind L2; ignored unless has_l3
    uint32_t memory_latency = 0;     // load-to-use latency of a line from DRAM, total (not added to a cache's), core cycles
};

// Empty when the hierarchy is buildable, else one line: every level's own check, and line sizes
// that do not shrink going away from the core (a fill must fit in one line of the level below).
std::string cache_hierarchy_params_error(const CacheHierarchyParams &p);

} // namespace ia32emu
