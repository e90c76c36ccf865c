// What the timing model and its probes read of the guest's CPU state, without knowing the engine.
#pragma once

#include <cstddef>
#include <cstdint>

#include "emu/mmu/paging.h"

namespace ia32emu {

class GuestView {
public:
    virtual ~GuestView() = default;
    virtual uint32_t esp() const = 0;
    virtual uint32_t eip() const = 0;
    virtual uint32_t eax() const = 0;   // a function's result at its return
    virtual bool read_virtual(uint32_t va, void *out, size_t len) const = 0;
    virtual PagingRegs paging() const = 0;
};

} // namespace ia32emu
