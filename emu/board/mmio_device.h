// A device register window reached through memory accesses (a PCI memory BAR or a fixed region).
#pragma once

#include <cstdint>

namespace ia32emu {

// `offset` is relative to the start of the window; `size` is 1, 2 or 4 (the engine splits wider
// accesses into 4-byte ones, low half first).
class MmioDevice {
public:
    virtual ~MmioDevice() = default;
    virtual uint32_t mmio_read(uint64_t offset, unsigned size) = 0;
    virtual void mmio_write(uint64_t offset, unsigned size, uint32_t value) = 0;
};

}  // namespace ia32emu
