// Effective addresses from Capstone's operand decoding and the registers as they were before the
// faulting instruction (the engine restores them when it refuses a translation).
#include "emu/engine/fault_address.h"

#include <capstone/capstone.h>

#include <array>
#include <vector>

namespace ia32emu {
namespace {

constexpr uint32_t kPageMask = ~0xFFFu;

class Decoder {
public:
    Decoder() {
        if (cs_open(CS_ARCH_X86, CS_MODE_32, &handle_) == CS_ERR_OK)
            cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
    }
    ~Decoder() {
        if (handle_)
            cs_close(&handle_);
    }
    Decoder(const Decoder &) = delete;
    Decoder &operator=(const Decoder &) = delete;
    csh handle() const { return handle_; }

private:
    csh handle_ = 0;
};

bool on_page(uint32_t addr, uint32_t page) { return (addr & kPageMask) == page; }

} // namespace

uint32_t exact_fault_address(const FaultContext &ctx) {
    if (ctx.fetch)
        return on_page(ctx.eip, ctx.page) ? ctx.eip : ctx.page;
    static thread_local Decoder decoder;
    std::array<uint8_t, 15> bytes{};
    if (!decoder.handle() || !ctx.read(ctx.eip, bytes.data(), bytes.size()))
        return ctx.page;
    cs_insn *insn = nullptr;
    size_t n = cs_disasm(decoder.handle(), bytes.data(), bytes.size(), ctx.eip, 1, &insn);
    if (n == 0)
        return ctx.page;
    std::vector<uint32_t> candidates;
    const cs_x86 &x86 = insn->detail->x86;
    for (unsigned i = 0; i < x86.op_count; ++i) {
        const cs_x86_op &op = x86.operands[i];
        if (op.type != X86_OP_MEM)
            continue;
        uint32_t ea = uint32_t(op.mem.disp);
        if (op.mem.base != X86_REG_INVALID)
            ea += ctx.reg(op.mem.base) + (op.mem.base == X86_REG_EIP ? insn->size : 0);
        if (op.mem.index != X86_REG_INVALID)
            ea += ctx.reg(op.mem.index) * uint32_t(op.mem.scale);
        candidates.push_back(ea);
    }
    // Implicit stack accesses: a push/call writes below ESP, a pop/ret/leave reads at ESP or EBP.
    uint32_t esp = ctx.reg(X86_REG_ESP);
    for (uint32_t delta : {4u, 2u, 8u, 12u, 16u, 32u})
        candidates.push_back(esp - delta);
    candidates.push_back(esp);
    candidates.push_back(ctx.reg(X86_REG_EBP));
    cs_free(insn, n);
    for (uint32_t ea : candidates)
        if (on_page(ea, ctx.page))
            return ea;
    // An access that starts on the previous page and crosses into this one faults at its start.
    return ctx.page;
}

} // namespace ia32emu
