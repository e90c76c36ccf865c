// The IA-32 page-table walker: a pure function from control registers, a linear address and an
// access to a translation or a #PF error code, over a read-only view of physical memory. It reads
// but never writes; the Accessed/Dirty updates a CPU would make are returned for the caller.
//
// Modes: 32-bit paging with 4 KiB pages and, with CR4.PSE, 4 MiB pages (PSE-36 address bits
// honoured up to phys_addr_bits); PAE paging with 4 KiB and 2 MiB pages. EFER.NXE is modelled as
// 0, so bit 63 of a PAE entry is a reserved bit (RSVD fault), as the SDM requires in that case.
// PAT bits are accepted and ignored. PDPTEs are read from memory on every walk (hardware loads
// them into registers at MOV CR3; their reads are tagged so the caller can leave them uncharged),
// and a PDPTE with reserved bits yields an RSVD #PF where hardware would #GP at the CR3 load.
//
// A bits of non-leaf entries are set as the walk passes through them, even if a later level
// faults; the leaf's A (and D on a write) only when the access is permitted. That is the order
// QEMU's walker uses, so the updates match the engine's, and the SDM allows it.
#pragma once

#include <array>
#include <cstdint>

#include "emu/cache/access_kind.h"
#include "emu/mmu/paging.h"

namespace ia32emu {

// Guest RAM as the walker may read it: [0, size). A read outside it is "not present".
struct PhysView {
    const uint8_t *ram = nullptr;
    uint64_t size = 0;
};

enum class WalkStatus : uint8_t {
    Ok,
    NotPresent,  // P=0 in some entry
    Protection,  // the leaf was reached but the access is not permitted
    Reserved,    // a present entry has a reserved bit set
    OutsideRam,  // an entry lies outside guest RAM; faults like NotPresent
};

enum class EntryLevel : uint8_t { Pdpte, Pde, Pte };

struct EntryRead {
    uint64_t pa = 0;       // physical address of the entry
    uint64_t value = 0;    // as read, before any update
    EntryLevel level = EntryLevel::Pde;
    uint8_t bytes = 4;     // 4 (32-bit paging) or 8 (PAE)
    bool uncached = false; // the referencing CR3/entry has PCD set, so the read bypasses the caches
};

struct EntryWrite {
    uint64_t pa = 0;
    uint64_t value = 0;    // the whole new entry
    uint8_t bytes = 4;
};

struct WalkResult {
    WalkStatus status = WalkStatus::Ok;
    uint32_t error_code = 0;  // #PF error code when status != Ok
    uint64_t pa = 0;          // translated physical address when Ok
    uint8_t page_shift = 12;  // 12, 21 or 22 (log2 of the page size)
    PageFlags flags;
    // Entries read, top level first. With paging off there are none.
    std::array<EntryRead, 3> reads{};
    uint8_t num_reads = 0;
    // A/D updates to apply, in order; also present on some faults (see the file comment).
    std::array<EntryWrite, 3> writes{};
    uint8_t num_writes = 0;
    // The leaf entry (PTE, or the PDE of a large page) and its value after this walk's update;
    // what a TLB fill remembers to detect later rewrites of the entry.
    uint64_t leaf_pa = 0;
    uint64_t leaf_value = 0;
    uint8_t leaf_bytes = 4;

    bool ok() const { return status == WalkStatus::Ok; }
    uint64_t page_bytes() const { return uint64_t(1) << page_shift; }
};

// phys_addr_bits is MAXPHYADDR (36 on the Pentium M and Atom parts the boards describe); entry
// address bits at or above it are reserved. With CR0.PG clear the result is the identity map,
// fully permitted, with no entries read.
WalkResult walk_page_tables(const PhysView &mem, const PagingRegs &regs, uint32_t linear, AccessKind kind,
                            Privilege priv, uint32_t phys_addr_bits = 36);

} // namespace ia32emu
