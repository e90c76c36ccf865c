// Exceptions through the guest's IDT as the Intel SDM (Vol. 3A, 6.12-6.15) describes them:
// gate lookup, the frame push, the double-fault rules of Table 6-5, and the triple-fault stop.
#include <unicorn/unicorn.h>

#include <cstring>

#include "emu/engine/engine.h"
#include "emu/engine/exception_state.h"

namespace ia32emu {
namespace {

constexpr uint32_t kDivideError = 0, kInvalidOpcode = 6, kDoubleFault = 8,
                   kInvalidTss = 10, kNotPresent = 11, kStackFault = 12, kGeneralProtection = 13, kPageFault = 14,
                   kAlignment = 17;

bool pushes_error_code(uint32_t v) {
    return v == kDoubleFault || v == kInvalidTss || v == kNotPresent || v == kStackFault ||
           v == kGeneralProtection || v == kPageFault || v == kAlignment;
}

bool contributory(uint32_t v) { return v == kDivideError || (v >= kInvalidTss && v <= kGeneralProtection); }

constexpr uint32_t kEflagsTf = 1u << 8, kEflagsIf = 1u << 9, kEflagsNt = 1u << 14, kEflagsRf = 1u << 16,
                   kEflagsVm = 1u << 17;

const int kReg16[] = {UC_X86_REG_AX, UC_X86_REG_CX, UC_X86_REG_DX, UC_X86_REG_BX,
                      UC_X86_REG_SP, UC_X86_REG_BP, UC_X86_REG_SI, UC_X86_REG_DI};

} // namespace

void Engine::on_interrupt(uc_struct *, uint32_t intno, void *self) {
    auto *e = static_cast<Engine *>(self);
    uint32_t eip = e->reg(UC_X86_REG_EIP);
    if (!(e->reg(UC_X86_REG_CR0) & 1)) {
        Fault f{intno, false, 0, 0};
        e->stop(StopReason::Crash, e->crash_line("exception in real mode", &f));
        return;
    }
    // int3/into/int n are traps: the engine has already moved EIP past them.
    Fault f{intno, pushes_error_code(intno), 0, 0};
    if (intno == kInvalidTss || intno == kNotPresent || intno == kStackFault || intno == kGeneralProtection)
        f.error = e->selector_error_code(eip);
    if (intno == kPageFault)
        f.address = e->reg(UC_X86_REG_CR2);
    e->deliver(f, eip);
}

bool Engine::on_invalid_insn(uc_struct *, void *self) {
    // Unicorn 2.1.1 stops after this hook whatever it returns, so #UD is delivered by the run loop.
    auto *e = static_cast<Engine *>(self);
    e->pending_fault_ = Fault{kInvalidOpcode, false, 0, 0};
    return true;
}

// The engine does not expose the error code it computed; for the faults that carry a selector,
// the selector is recovered from the instruction that loads it (mov Sreg, r16 / pop Sreg).
uint32_t Engine::selector_error_code(uint32_t eip) {
    uint8_t insn[2] = {};
    if (!read_virtual(eip, insn, sizeof insn))
        return 0;
    uint32_t selector = 0;
    if (insn[0] == 0x8E && (insn[1] >> 6) == 3) {
        uint16_t v = 0;
        uc_reg_read(uc_, kReg16[insn[1] & 7], &v);
        selector = v;
    } else if (insn[0] == 0x1F || insn[0] == 0x07 || insn[0] == 0x17) {
        uint16_t v = 0;
        if (!read_virtual(reg(UC_X86_REG_ESP), &v, sizeof v))
            return 0;
        selector = v;
    } else {
        return 0;
    }
    return selector & 0xFFFC;
}

void Engine::deliver(Fault fault, uint32_t return_eip) {
    for (;;) {
        ++deliveries_;
        if (stop_if_over_budget())
            return;
        // A handler that faults before its first block ends never reaches the block hook's clock check.
        if ((deliveries_ & 0xfff) == 0 && past_deadline()) {
            stop_for_timeout();
            return;
        }
        auto second = try_deliver(fault, return_eip);
        if (!second) {
            clear_exception_state(uc_, context_, exception_state_offset_);
            return;
        }
        if (fault.vector == kDoubleFault) {
            stop(StopReason::Crash, crash_line("triple fault while delivering a double fault", &*second));
            return;
        }
        bool promote = (contributory(fault.vector) && contributory(second->vector)) ||
                       (fault.vector == kPageFault && (contributory(second->vector) || second->vector == kPageFault));
        if (promote)
            fault = Fault{kDoubleFault, true, 0, 0};
        else
            fault = *second;
    }
}

std::optional<Engine::Fault> Engine::try_deliver(const Fault &fault, uint32_t return_eip) {
    if (fault.vector == kPageFault)
        set_reg(UC_X86_REG_CR2, fault.address);
    uc_x86_mmr idtr{};
    uc_reg_read(uc_, UC_X86_REG_IDTR, &idtr);
    uint32_t gate_offset = fault.vector * 8;
    if (gate_offset + 7 > idtr.limit)
        return Fault{kGeneralProtection, true, gate_offset + 2, 0};
    uint8_t gate[8];
    if (auto f = system_access(uint32_t(idtr.base) + gate_offset, gate, sizeof gate, false))
        return f;
    uint32_t lo, hi;
    std::memcpy(&lo, gate, 4);
    std::memcpy(&hi, gate + 4, 4);
    if (!(hi & (1u << 15)))
        return Fault{kNotPresent, true, gate_offset + 2, 0};
    uint32_t type = (hi >> 8) & 0x1f;
    bool interrupt_gate = type == 0x0E;
    if (type != 0x0E && type != 0x0F) {
        stop(StopReason::Crash, crash_line("IDT gate type " + std::to_string(type) +
                                               " is not a 32-bit interrupt or trap gate (unsupported)", &fault));
        return std::nullopt;
    }
    uint16_t selector = uint16_t(lo >> 16);
    uint32_t handler = (lo & 0xffff) | (hi & 0xffff0000);

    uint16_t cs = 0;
    uc_reg_read(uc_, UC_X86_REG_CS, &cs);
    if ((selector & 3) != 0 || (cs & 3) != 0) {
        stop(StopReason::Crash, crash_line("exception with a privilege change (ring 3) is not supported", &fault));
        return std::nullopt;
    }
    uint32_t eflags = reg(UC_X86_REG_EFLAGS);
    uint32_t frame[4] = {return_eip, cs, eflags, 0};
    size_t words = 3;
    if (fault.has_error) {
        frame[0] = fault.error;
        frame[1] = return_eip;
        frame[2] = cs;
        frame[3] = eflags;
        words = 4;
    }
    uint32_t esp = reg(UC_X86_REG_ESP) - uint32_t(words * 4);
    if (auto f = system_access(esp, frame, words * 4, true))
        return f;
    eflags &= ~(kEflagsTf | kEflagsNt | kEflagsRf | kEflagsVm);
    if (interrupt_gate)
        eflags &= ~kEflagsIf;
    set_reg(UC_X86_REG_ESP, esp);
    set_reg(UC_X86_REG_EFLAGS, eflags);
    if (selector != cs)
        set_reg(UC_X86_REG_CS, selector);
    set_reg(UC_X86_REG_EIP, handler);
    return std::nullopt;
}

} // namespace ia32emu
