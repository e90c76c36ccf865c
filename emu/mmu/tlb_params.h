// The parameters of the TLBs, as the board file gives them.
#pragma once

#include <cstdint>
#include <string>

#include "emu/cache/replacement.h"

namespace ia32emu {

struct TlbArrayParams {
    uint32_t entries = 0; // translations held, entries; 0 = this page size has no array at this level
    uint32_t ways = 0;    // associativity, ways per set; ways == entries is fully associative
};

// One TLB level: one array for 4 KiB pages, one for large pages (2 MiB under PAE, 4 MiB under
// PSE). A level without a large-page array holds large pages as 4 KiB fragments, as parts whose
// ITLB has no large-page entries do.
struct TlbLevelParams {
    std::string name;                                  // label for messages and reports, e.g. "dtlb"
    TlbArrayParams small;                              // 4 KiB pages
    TlbArrayParams large;                              // 2 MiB / 4 MiB pages
    ReplacementPolicy policy = ReplacementPolicy::Lru; // victim choice within a set
    uint32_t hit_latency = 0;                          // cycles a hit in this level adds; 0 for a first level, whose lookup overlaps the L1 access, core cycles
    uint64_t seed = 1;                                 // seed of the Random policy, unitless
};

// The TLBs of one core: an ITLB and a DTLB, optionally backed by one unified second level.
struct TlbSystemParams {
    TlbLevelParams itlb;
    TlbLevelParams dtlb;
    bool has_stlb = false;
    TlbLevelParams stlb; // ignored unless has_stlb
};

// Empty when the level is buildable, else one line naming the field.
std::string tlb_level_params_error(const TlbLevelParams &p);
std::string tlb_system_params_error(const TlbSystemParams &p);

} // namespace ia32emu
