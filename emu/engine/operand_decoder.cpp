// Registers are read as they stand before the instruction runs: the engine restores them when it
// refuses a translation, and the hooks that use this run before their instruction.
#include "emu/engine/operand_decoder.h"

#include <capstone/capstone.h>

#include <array>
#include <stdexcept>

namespace ia32emu {
namespace {

constexpr uint32_t kPageMask = ~0xFFFu;

bool on_page(uint32_t addr, uint32_t page) { return (addr & kPageMask) == page; }

} // namespace

OperandDecoder::OperandDecoder() {
    csh h = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &h) != CS_ERR_OK)
        throw std::runtime_error("cannot open Capstone");
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    handle_ = h;
}

OperandDecoder::~OperandDecoder() {
    csh h = handle_;
    cs_close(&h);
}

const DecodedInsn *OperandDecoder::decode(uint32_t eip, const ReadFn &read) {
    if (auto it = cache_.find(eip); it != cache_.end())
        return &it->second;
    std::array<uint8_t, 15> bytes{};
    size_t len = bytes.size();
    // The instruction may end close to an unmapped page; read what is there.
    while (len > 0 && !read(eip, bytes.data(), len))
        --len;
    if (len == 0)
        return nullptr;
    cs_insn *insn = nullptr;
    size_t n = cs_disasm(csh(handle_), bytes.data(), len, eip, 1, &insn);
    if (n == 0)
        return nullptr;
    DecodedInsn d;
    d.id = insn->id;
    d.size = insn->size;
    const cs_x86 &x86 = insn->detail->x86;
    for (unsigned i = 0; i < x86.op_count; ++i) {
        const cs_x86_op &op = x86.operands[i];
        if (op.type == X86_OP_MEM)
            d.mem.push_back({op.mem.base, op.mem.index, uint32_t(op.mem.scale), int32_t(op.mem.disp)});
    }
    if (insn->id == X86_INS_MOV && x86.op_count == 2 && x86.operands[0].type == X86_OP_REG &&
        x86.operands[0].reg >= X86_REG_CR0 && x86.operands[0].reg <= X86_REG_CR15 &&
        x86.operands[1].type == X86_OP_REG) {
        d.is_cr_write = true;
        d.control_register = unsigned(x86.operands[0].reg - X86_REG_CR0);
        d.source_register = x86.operands[1].reg;
    }
    cs_free(insn, n);
    // Every caller is done with the previous answer by the time it asks again.
    if (cache_.size() >= bounds::kDecodedOperands) {
        dropped_ += cache_.size();
        cache_.clear();
    }
    return &cache_.emplace(eip, std::move(d)).first->second;
}

uint32_t OperandDecoder::evaluate(const MemOperand &m, const RegisterFn &reg, uint32_t eip, uint32_t size) {
    uint32_t ea = uint32_t(m.disp);
    if (m.base == X86_REG_EIP)
        ea += eip + size;
    else if (m.base)
        ea += reg(m.base);
    if (m.index)
        ea += reg(m.index) * m.scale;
    return ea;
}

std::vector<uint32_t> OperandDecoder::candidate_addresses(uint32_t eip, const RegisterFn &reg, const ReadFn &read) {
    std::vector<uint32_t> out;
    if (const DecodedInsn *d = decode(eip, read))
        for (const MemOperand &m : d->mem)
            out.push_back(evaluate(m, reg, eip, d->size));
    // Implicit stack accesses: a push/call writes below ESP, a pop/ret/leave reads at ESP or EBP.
    uint32_t esp = reg(X86_REG_ESP);
    for (uint32_t delta : {4u, 2u, 8u, 12u, 16u, 32u})
        out.push_back(esp - delta);
    out.push_back(esp);
    out.push_back(reg(X86_REG_EBP));
    return out;
}

uint32_t OperandDecoder::fault_address(uint32_t eip, uint32_t page, bool fetch, const RegisterFn &reg,
                                       const ReadFn &read) {
    if (fetch)
        return on_page(eip, page) ? eip : page;
    for (uint32_t ea : candidate_addresses(eip, reg, read))
        if (on_page(ea, page))
            return ea;
    // An access that starts on the previous page and crosses into this one faults at its start.
    return page;
}

} // namespace ia32emu
