// The device side's view of guest RAM: bounds-checked copies by physical address, for DMA.
#pragma once

#include <cstdint>
#include <vector>

namespace ia32emu {

struct PhysRange {
    uint64_t start = 0;
    uint64_t end = 0;  // exclusive
};

// Guest RAM is one host buffer indexed by physical address; only the listed ranges are RAM
// (the legacy hole and the PCI hole are not, even where the buffer covers them). Every access is
// checked before the host touches the buffer, so no guest-chosen address or length can reach
// host memory outside it.
class PhysicalMemory {
public:
    // Ranges must lie inside [0, size); adjacent or overlapping ranges are merged.
    // std::invalid_argument otherwise.
    PhysicalMemory(uint8_t* base, uint64_t size, std::vector<PhysRange> ram);

    // The PC layout: [0, 0xA0000) and [1 MiB, min(ram_size, pci_hole_start)).
    static std::vector<PhysRange> pc_ram_ranges(uint64_t ram_size, uint64_t pci_hole_start);

    // True when every byte of [pa, pa + len) is RAM; a zero length is inside if pa is RAM or
    // the end of a RAM range.
    bool is_ram(uint64_t pa, uint64_t len) const;

    // Copy out of / into guest RAM; false, with nothing copied, if any byte is not RAM.
    bool read(uint64_t pa, void* dst, uint64_t len) const;
    bool write(uint64_t pa, const void* src, uint64_t len);

    const std::vector<PhysRange>& ranges() const { return ram_; }
    uint64_t size() const { return size_; }

private:
    uint8_t* base_;
    uint64_t size_;
    std::vector<PhysRange> ram_;
};

}  // namespace ia32emu
