// Which parts of the decoded memory BARs the CPU reaches. A guest may program one BAR onto
// another (nothing in PCI forbids it); as in QEMU, whose PCI memory space holds the BARs as
// subregions of equal priority, the BAR decoded last covers the overlap, and the one beneath
// shows through again once it moves away.
#pragma once

#include <cstdint>
#include <vector>

namespace ia32emu {

class PciFunction;

// A piece of one BAR that the CPU sees: [base, base + size) reaches the BAR at `offset`.
struct BarFragment {
    const PciFunction *fn = nullptr;
    unsigned index = 0;
    uint64_t base = 0;
    uint64_t size = 0;
    uint64_t offset = 0;

    bool operator==(const BarFragment &) const = default;
};

class BarLayout {
public:
    // The BAR now decodes at [base, base + size), above every BAR decoded before it.
    void decode(const PciFunction *fn, unsigned index, uint64_t base, uint64_t size);
    // The BAR no longer decodes.
    void release(const PciFunction *fn, unsigned index);
    // The visible fragments, in decode order of their BARs, each BAR's fragments by address.
    std::vector<BarFragment> visible() const;

private:
    struct Decoded {
        const PciFunction *fn;
        unsigned index;
        uint64_t base, size;
    };
    std::vector<Decoded> decoded_;   // oldest first
};

} // namespace ia32emu
