// The IA-32 page-table walker for 32-bit (4 KiB / 4 MiB PSE) and PAE (4 KiB / 2 MiB) paging.
#include "emu/mmu/page_walker.h"

#include <algorithm>

namespace ia32emu {

namespace {

// Bits 1, 2 and 5-8 of a PAE PDPTE are reserved (it has no R/W, U/S, A, D, PS or G).
constexpr uint64_t kPdpteReserved = 0x1e6;
// Bits 20:13 of a PAE 2 MiB PDE sit below the frame address and above the PAT bit.
constexpr uint64_t kPae2mReserved = 0x1fe000;
constexpr uint64_t kPageMask4k = ~uint64_t(0xfff);

class Walker {
public:
    Walker(const PhysView &mem, AccessKind kind, Privilege priv) : mem_(mem), kind_(kind), priv_(priv) {}

    // Reads one entry into the result's read list; false when it lies outside RAM.
    bool read(uint64_t pa, uint8_t bytes, EntryLevel level, bool uncached, uint64_t &value) {
        if (pa >= mem_.size || mem_.size - pa < bytes) return false;
        value = 0;
        for (uint8_t i = 0; i < bytes; ++i) value |= uint64_t(mem_.ram[pa + i]) << (8 * i);
        r_.reads[r_.num_reads++] = {pa, value, level, bytes, uncached};
        return true;
    }

    void write(uint64_t pa, uint64_t value, uint8_t bytes) { r_.writes[r_.num_writes++] = {pa, value, bytes}; }

    WalkResult fault(WalkStatus status) {
        r_.status = status;
        bool present = status == WalkStatus::Protection || status == WalkStatus::Reserved;
        r_.error_code = (present ? kPfErrP : 0) | (status == WalkStatus::Reserved ? kPfErrRsvd : 0) |
                        (kind_ == AccessKind::Write ? kPfErrW : 0) | (priv_ == Privilege::User ? kPfErrU : 0);
        return r_;
    }

    // A present non-leaf entry gets its Accessed bit as the walk passes through.
    void mark_accessed(uint64_t pa, uint64_t value, uint8_t bytes) {
        if (!(value & kPteA)) write(pa, value | kPteA, bytes);
    }

    // Permission check and leaf update once the leaf entry and the frame are known.
    WalkResult finish(const PagingRegs &regs, uint32_t linear, uint64_t leaf_pa, uint64_t leaf, uint8_t bytes,
                      uint64_t frame, uint8_t page_shift, bool writable, bool user) {
        PageFlags &f = r_.flags;
        f.writable = writable;
        f.user = user;
        f.global = (leaf & kPteG) && (regs.cr4 & kCr4Pge);
        f.pcd = leaf & kPtePcd;
        f.pwt = leaf & kPtePwt;
        if (!access_permitted(f, kind_, priv_, regs.cr0 & kCr0Wp)) return fault(WalkStatus::Protection);
        uint64_t updated = leaf | kPteA | (kind_ == AccessKind::Write ? kPteD : 0);
        if (updated != leaf) write(leaf_pa, updated, bytes);
        f.dirty = updated & kPteD;
        r_.page_shift = page_shift;
        r_.pa = frame | (linear & ((uint64_t(1) << page_shift) - 1));
        r_.leaf_pa = leaf_pa;
        r_.leaf_value = updated;
        r_.leaf_bytes = bytes;
        return r_;
    }

    WalkResult &result() { return r_; }

private:
    const PhysView &mem_;
    AccessKind kind_;
    Privilege priv_;
    WalkResult r_;
};

WalkResult walk_32bit(Walker &w, const PagingRegs &regs, uint32_t linear, uint32_t maxphy) {
    uint64_t pde_pa = (regs.cr3 & 0xfffff000u) + uint64_t(linear >> 22) * 4;
    uint64_t pde;
    if (!w.read(pde_pa, 4, EntryLevel::Pde, regs.cr3 & kCr3Pcd, pde)) return w.fault(WalkStatus::OutsideRam);
    if (!(pde & kPteP)) return w.fault(WalkStatus::NotPresent);

    if ((regs.cr4 & kCr4Pse) && (pde & kPtePs)) {
        // PSE-36: PDE bits (13+n-1):13 are physical bits (32+n-1):32, n = MAXPHYADDR-32 (at most 8);
        // the rest of bits 21:13 are reserved.
        uint32_t high_bits = std::min(maxphy, 40u) - 32;
        uint64_t reserved = ((uint64_t(1) << 22) - 1) & ~((uint64_t(1) << (13 + high_bits)) - 1);
        if (pde & reserved) return w.fault(WalkStatus::Reserved);
        uint64_t frame = (pde & 0xffc00000u) | (((pde >> 13) & ((uint64_t(1) << high_bits) - 1)) << 32);
        return w.finish(regs, linear, pde_pa, pde, 4, frame, 22, pde & kPteRw, pde & kPteUs);
    }

    w.mark_accessed(pde_pa, pde, 4);
    uint64_t pte_pa = (pde & 0xfffff000u) + uint64_t((linear >> 12) & 0x3ff) * 4;
    uint64_t pte;
    if (!w.read(pte_pa, 4, EntryLevel::Pte, pde & kPtePcd, pte)) return w.fault(WalkStatus::OutsideRam);
    if (!(pte & kPteP)) return w.fault(WalkStatus::NotPresent);
    return w.finish(regs, linear, pte_pa, pte, 4, pte & 0xfffff000u, 12, (pde & pte & kPteRw) != 0,
                    (pde & pte & kPteUs) != 0);
}

WalkResult walk_pae(Walker &w, const PagingRegs &regs, uint32_t linear, uint32_t maxphy) {
    const uint64_t above_maxphy = ~((uint64_t(1) << maxphy) - 1);
    const uint64_t frame_mask = ~above_maxphy & kPageMask4k;

    uint64_t pdpte_pa = (regs.cr3 & 0xffffffe0u) + uint64_t(linear >> 30) * 8;
    uint64_t pdpte;
    if (!w.read(pdpte_pa, 8, EntryLevel::Pdpte, false, pdpte)) return w.fault(WalkStatus::OutsideRam);
    if (!(pdpte & kPteP)) return w.fault(WalkStatus::NotPresent);
    if (pdpte & (kPdpteReserved | above_maxphy)) return w.fault(WalkStatus::Reserved);

    uint64_t pde_pa = (pdpte & frame_mask) + uint64_t((linear >> 21) & 0x1ff) * 8;
    uint64_t pde;
    if (!w.read(pde_pa, 8, EntryLevel::Pde, pdpte & kPtePcd, pde)) return w.fault(WalkStatus::OutsideRam);
    if (!(pde & kPteP)) return w.fault(WalkStatus::NotPresent);

    if (pde & kPtePs) {
        if (pde & (kPae2mReserved | above_maxphy)) return w.fault(WalkStatus::Reserved);
        return w.finish(regs, linear, pde_pa, pde, 8, pde & frame_mask & ~uint64_t(0x1fffff), 21, pde & kPteRw,
                        pde & kPteUs);
    }
    if (pde & above_maxphy) return w.fault(WalkStatus::Reserved);

    w.mark_accessed(pde_pa, pde, 8);
    uint64_t pte_pa = (pde & frame_mask) + uint64_t((linear >> 12) & 0x1ff) * 8;
    uint64_t pte;
    if (!w.read(pte_pa, 8, EntryLevel::Pte, pde & kPtePcd, pte)) return w.fault(WalkStatus::OutsideRam);
    if (!(pte & kPteP)) return w.fault(WalkStatus::NotPresent);
    if (pte & above_maxphy) return w.fault(WalkStatus::Reserved);
    return w.finish(regs, linear, pte_pa, pte, 8, pte & frame_mask, 12, (pde & pte & kPteRw) != 0,
                    (pde & pte & kPteUs) != 0);
}

} // namespace

WalkResult walk_page_tables(const PhysView &mem, const PagingRegs &regs, uint32_t linear, AccessKind kind,
                            Privilege priv, uint32_t phys_addr_bits) {
    Walker w(mem, kind, priv);
    if (!(regs.cr0 & kCr0Pg)) {
        WalkResult &r = w.result();
        r.pa = linear;
        r.flags = {true, true, false, false, false, true};
        return r;
    }
    uint32_t maxphy = std::clamp(phys_addr_bits, 32u, 52u);
    if (regs.cr4 & kCr4Pae) return walk_pae(w, regs, linear, maxphy);
    return walk_32bit(w, regs, linear, maxphy);
}

} // namespace ia32emu
