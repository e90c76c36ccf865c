// Memory operands of guest instructions, decoded once per address with Capstone, for what the
// engine does not report: the exact CR2 of a refused translation, the virtual address of an
// access to a frame mapped twice, the operand of invlpg and the source of a control-register write.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "emu/bounds/host_bounds.h"

namespace ia32emu {

struct MemOperand {
    int base = 0;     // Capstone register ids; 0 for none
    int index = 0;
    uint32_t scale = 1;
    int32_t disp = 0;
};

struct DecodedInsn {
    unsigned id = 0;               // Capstone instruction id
    uint32_t size = 0;
    std::vector<MemOperand> mem;   // explicit memory operands
    unsigned control_register = 0; // for mov crN, r32: N and the source register
    int source_register = 0;
    bool is_cr_write = false;
};

class OperandDecoder {
public:
    using RegisterFn = std::function<uint32_t(int capstone_reg)>;
    using ReadFn = std::function<bool(uint32_t va, uint8_t *out, size_t len)>;

    OperandDecoder();
    ~OperandDecoder();
    OperandDecoder(const OperandDecoder &) = delete;
    OperandDecoder &operator=(const OperandDecoder &) = delete;

    // Decoded once per EIP, until forget_range() covers it: the engine calls that for the code
    // of each new translation, which may have been rewritten (Linux patches its own text at boot:
    // alternatives, static keys) or belong to another address space. At most
    // bounds::kDecodedOperands are kept: past it all are dropped. The answer is valid until the
    // next call.
    const DecodedInsn *decode(uint32_t eip, const ReadFn &read);
    void forget_range(uint32_t first, uint64_t end) { cache_.erase(cache_.lower_bound(first), cache_.lower_bound(end)); }
    // Decodes dropped at the cap, over the run.
    uint64_t dropped() const { return dropped_; }

    // The linear addresses the instruction at `eip` may touch: its memory operands, then the
    // stack slots of implicit pushes and pops.
    std::vector<uint32_t> candidate_addresses(uint32_t eip, const RegisterFn &reg, const ReadFn &read);

    // The first byte a refused translation of `page` faulted on (Intel SDM Vol. 3A, 4.7).
    uint32_t fault_address(uint32_t eip, uint32_t page, bool fetch, const RegisterFn &reg, const ReadFn &read);

    static uint32_t evaluate(const MemOperand &m, const RegisterFn &reg, uint32_t eip, uint32_t size);

private:
    size_t handle_ = 0;
    std::map<uint64_t, DecodedInsn> cache_;   // ordered, for forget_range
    uint64_t dropped_ = 0;
};

} // namespace ia32emu
