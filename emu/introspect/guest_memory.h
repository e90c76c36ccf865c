// What introspection reads of the guest: words through the current page tables, and translations.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "emu/mmu/page_walker.h"
#include "emu/timing/guest_view.h"

namespace ia32emu {

// A physically contiguous piece of a virtual range.
struct PhysExtent {
    uint64_t pa;
    uint64_t len;
};

class GuestMemory {
public:
    GuestMemory(const GuestView &guest, PhysView ram) : guest_(guest), ram_(ram) {}

    uint32_t word(uint32_t va) const {
        uint32_t v = 0;
        guest_.read_virtual(va, &v, sizeof v);
        return v;
    }
    uint32_t arg(uint32_t esp, unsigned index) const { return word(esp + 4 + 4 * index); }
    bool read(uint32_t va, void *out, size_t len) const { return guest_.read_virtual(va, out, len); }
    std::optional<uint64_t> translate(uint32_t va) const;
    // The physical extents of [va, va+len), merged where frames are adjacent; empty if any page
    // is unmapped.
    std::vector<PhysExtent> extents(uint32_t va, uint32_t len) const;
    uint32_t eip() const { return guest_.eip(); }
    uint64_t ram_size() const { return ram_.size; }

private:
    const GuestView &guest_;
    PhysView ram_;
};

} // namespace ia32emu
