// The IA-32 paging vocabulary shared by the page-table walker and the TLBs: control-register
// bits, page-table entry bits, effective page permissions and the permission rule.
#pragma once

#include <cstdint>

#include "emu/cache/access_kind.h"

namespace ia32emu {

constexpr uint32_t kCr0Wp = 1u << 16;
constexpr uint32_t kCr0Pg = 1u << 31;
constexpr uint32_t kCr3Pwt = 1u << 3;
constexpr uint32_t kCr3Pcd = 1u << 4;
constexpr uint32_t kCr4Pse = 1u << 4;
constexpr uint32_t kCr4Pae = 1u << 5;
constexpr uint32_t kCr4Pge = 1u << 7;

// Bits common to every paging-structure entry format (SDM vol. 3, 4.3 and 4.4).
constexpr uint64_t kPteP = 1u << 0;
constexpr uint64_t kPteRw = 1u << 1;
constexpr uint64_t kPteUs = 1u << 2;
constexpr uint64_t kPtePwt = 1u << 3;
constexpr uint64_t kPtePcd = 1u << 4;
constexpr uint64_t kPteA = 1u << 5;
constexpr uint64_t kPteD = 1u << 6;
constexpr uint64_t kPtePs = 1u << 7;
constexpr uint64_t kPteG = 1u << 8;

// #PF error code bits. I/D (bit 4) is never set: the model has no SMEP and runs with EFER.NXE=0,
// where the SDM defines that bit as 0.
constexpr uint32_t kPfErrP = 1u << 0;
constexpr uint32_t kPfErrW = 1u << 1;
constexpr uint32_t kPfErrU = 1u << 2;
constexpr uint32_t kPfErrRsvd = 1u << 3;

enum class Privilege : uint8_t { Supervisor, User };

struct PagingRegs {
    uint32_t cr0 = 0;
    uint32_t cr3 = 0;
    uint32_t cr4 = 0;
};

// What a translation permits. writable/user are the AND over every level that has the bit;
// global is the leaf's G bit, only when CR4.PGE is set; pcd/pwt are the leaf's; dirty is the
// leaf's D bit once the walk's own update is applied.
struct PageFlags {
    bool writable = false;
    bool user = false;
    bool global = false;
    bool pcd = false;
    bool pwt = false;
    bool dirty = false;
};

// The rule without SMEP/SMAP/NX: user accesses need U/S at every level, writes need R/W at every
// level unless a supervisor writes with CR0.WP clear; a fetch is checked like a read.
constexpr bool access_permitted(const PageFlags &f, AccessKind kind, Privilege priv, bool cr0_wp) {
    if (priv == Privilege::User && !f.user) return false;
    if (kind == AccessKind::Write && !f.writable && (priv == Privilege::User || cr0_wp)) return false;
    return true;
}

} // namespace ia32emu
