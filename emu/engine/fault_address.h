// Unicorn reports a refused translation by page only; CR2 must hold the exact linear address.
#pragma once

#include <cstdint>
#include <functional>

namespace ia32emu {

struct FaultContext {
    uint32_t eip;
    uint32_t page;      // page-aligned linear address whose translation was refused
    bool fetch;         // the refusal was for an instruction fetch
    std::function<uint32_t(int capstone_reg)> reg;                      // register value by Capstone id
    std::function<bool(uint32_t va, uint8_t *out, size_t len)> read;    // code bytes at EIP
};

// Decodes the faulting instruction and returns the first byte it touched in `page`: the memory
// operand's effective address, or the stack slot of a push/pop/call/ret, or the page's start
// when the access began on the page before (Intel SDM Vol. 3A, 4.7: CR2 is the faulting address).
uint32_t exact_fault_address(const FaultContext &ctx);

} // namespace ia32emu
