// Exceptions through the guest's IDT as the Intel SDM (Vol. 3A, 6.12-6.15) describes them:
// gate lookup, the frame push, the double-fault rules of Table 6-5, and the triple-fault stop.
#include <unicorn/unicorn.h>

#include <cstring>

#include "emu/engine/engine.h"
#include "emu/engine/cpu_flags_probe.h"
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

constexpr uint32_t kDescWritable = 1u << 9, kDescConforming = 1u << 10, kDescCode = 1u << 11,
                   kDescPresent = 1u << 15;

const int kReg16[] = {UC_X86_REG_AX, UC_X86_REG_CX, UC_X86_REG_DX, UC_X86_REG_BX,
                      UC_X86_REG_SP, UC_X86_REG_BP, UC_X86_REG_SI, UC_X86_REG_DI};

} // namespace

void Engine::on_interrupt(uc_struct *, uint32_t intno, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->paging_regs_.reset();
    uint32_t eip = e->reg(UC_X86_REG_EIP);
    if (!(e->reg(UC_X86_REG_CR0) & 1)) {
        Fault f{intno, false, 0, 0};
        e->stop(StopReason::Crash, e->crash_line("exception in real mode", &f));
        return;
    }
    // int3/into/int n are traps: the engine has already moved EIP past them.
    Fault f{intno, pushes_error_code(intno), 0, 0};
    if (uint8_t length = e->software_interrupt_at(eip, intno)) {
        f.has_error = false;
        f.software = true;
        f.software_length = length;
    }
    if (!f.software &&
        (intno == kInvalidTss || intno == kNotPresent || intno == kStackFault || intno == kGeneralProtection))
        f.error = e->selector_error_code(eip);
    if (!f.software && intno == kPageFault)
        f.address = e->reg(UC_X86_REG_CR2);
    // A fault stops its block at the faulting instruction; a trap (int n) ends its block anyway.
    if (!f.software && e->timing_)
        e->timing_->on_fault_at(eip);
    e->deliver(f, eip);
}

bool Engine::on_invalid_insn(uc_struct *, void *self) {
    // Unicorn 2.1.1 stops after this hook whatever it returns, so #UD is delivered by the run loop.
    auto *e = static_cast<Engine *>(self);
    e->pending_fault_ = Fault{kInvalidOpcode, false, 0, 0};
    return true;
}

// Unicorn reports `int n` like an exception, with EIP already past it; the bytes before EIP tell
// the two apart (a fault reports EIP at the faulting instruction).
uint8_t Engine::software_interrupt_at(uint32_t return_eip, uint32_t vector) {
    uint8_t before[2] = {};
    if (return_eip < 2 || !read_virtual(return_eip - 2, before, sizeof before))
        return 0;
    if (before[0] == 0xCD && before[1] == vector)
        return 2;
    return ((vector == 3 && before[1] == 0xCC) || (vector == 4 && before[1] == 0xCE)) ? 1 : 0;
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
        uint16_t cs_before = 0, cs_after = 0;
        uc_reg_read(uc_, UC_X86_REG_CS, &cs_before);
        auto second = try_deliver(fault, return_eip);
        // A delivery that ended the run (the IDT or the stack left RAM) keeps its own diagnostic.
        if (stop_requested_)
            return;
        if (!second) {
            uc_reg_read(uc_, UC_X86_REG_CS, &cs_after);
            if (timing_)
                timing_->on_exception_delivered((cs_after & 3) != (cs_before & 3));
            clear_exception_state(uc_, context_, exception_state_offset_);
            return;
        }
        // A fault raised while delivering int n (the gate's DPL, a not-present gate, the frame
        // push) is the int instruction's own fault: its handler sees EIP at the instruction.
        if (fault.software)
            return_eip -= fault.software_length;
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
    uint8_t gate[8] = {};
    if (auto f = system_access(uint32_t(idtr.base) + gate_offset, gate, sizeof gate, false))
        return f;
    if (stop_requested_)
        return std::nullopt;
    uint32_t lo, hi;
    std::memcpy(&lo, gate, 4);
    std::memcpy(&hi, gate + 4, 4);
    if (!(hi & (1u << 15)))
        return Fault{kNotPresent, true, gate_offset + 2, 0};
    uint32_t type = (hi >> 8) & 0x1f;
    if (type != 0x0E && type != 0x0F) {
        stop(StopReason::Crash, crash_line("IDT gate type " + std::to_string(type) +
                                               " is not a 32-bit interrupt or trap gate (unsupported)", &fault));
        return std::nullopt;
    }
    uint16_t selector = uint16_t(lo >> 16);
    uint32_t handler = (lo & 0xffff) | (hi & 0xffff0000);
    uint32_t gate_dpl = (hi >> 13) & 3;
    uint16_t cs = 0;
    uc_reg_read(uc_, UC_X86_REG_CS, &cs);
    uint32_t cpl = cs & 3;
    // Only int n/int3/into are held to the gate's DPL, so a kernel can keep user mode out of
    // vectors meant for faults and hardware (SDM Vol. 3A, 6.12.1.1).
    if (fault.software && gate_dpl < cpl)
        return Fault{kGeneralProtection, true, gate_offset + 2, 0};
    auto target = descriptor(selector);
    if (!target || !(target->hi & kDescCode))
        return Fault{kGeneralProtection, true, uint32_t(selector & 0xfffc), 0};
    if (!(target->hi & kDescPresent))
        return Fault{kNotPresent, true, uint32_t(selector & 0xfffc), 0};
    uint32_t target_dpl = (target->hi & kDescConforming) ? cpl : (target->hi >> 13) & 3;
    if (target_dpl > cpl)
        return Fault{kGeneralProtection, true, uint32_t(selector & 0xfffc), 0};
    return push_frame(uint16_t((selector & ~3u) | target_dpl), handler, fault, return_eip, type == 0x0E);
}

std::optional<Engine::Descriptor> Engine::descriptor(uint16_t selector) {
    if ((selector & 0xfffc) == 0 || (selector & 4))
        return std::nullopt;
    uc_x86_mmr gdtr{};
    uc_reg_read(uc_, UC_X86_REG_GDTR, &gdtr);
    uint32_t index = selector & 0xfff8u;
    if (index + 7 > gdtr.limit)
        return std::nullopt;
    uint32_t words[2];
    if (system_access(uint32_t(gdtr.base) + index, words, sizeof words, false))
        return std::nullopt;
    return Descriptor{words[0], words[1]};
}

// The frame of SDM Vol. 3A, Figure 6-4: from ring 3, SS:ESP come from the TSS (SS0:ESP0) and the
// old SS:ESP is pushed on the new stack first.
std::optional<Engine::Fault> Engine::push_frame(uint16_t new_cs, uint32_t handler, const Fault &fault,
                                                uint32_t return_eip, bool interrupt_gate) {
    uint16_t cs = 0, ss = 0;
    uc_reg_read(uc_, UC_X86_REG_CS, &cs);
    uc_reg_read(uc_, UC_X86_REG_SS, &ss);
    uint32_t eflags = reg(UC_X86_REG_EFLAGS);
    uint32_t old_esp = reg(UC_X86_REG_ESP);
    bool inner = (new_cs & 3) < (cs & 3);
    uint32_t esp = old_esp, stack_base = 0;
    uint16_t new_ss = ss;
    if (inner) {
        uc_x86_mmr tr{};
        uc_reg_read(uc_, UC_X86_REG_TR, &tr);
        if ((tr.selector & 0xfffc) == 0 || tr.limit < 9)
            return Fault{kInvalidTss, true, uint32_t(tr.selector & 0xfffc), 0};
        uint32_t esp0 = 0;
        uint16_t ss0 = 0;
        if (auto f = system_access(uint32_t(tr.base) + 4, &esp0, sizeof esp0, false))
            return f;
        if (auto f = system_access(uint32_t(tr.base) + 8, &ss0, sizeof ss0, false))
            return f;
        auto stack = descriptor(ss0);
        if (!stack || (ss0 & 3) != (new_cs & 3) || ((stack->hi >> 13) & 3) != (new_cs & 3u) ||
            (stack->hi & kDescCode) || !(stack->hi & kDescWritable))
            return Fault{kInvalidTss, true, uint32_t(ss0 & 0xfffc), 0};
        if (!(stack->hi & kDescPresent))
            return Fault{kStackFault, true, uint32_t(ss0 & 0xfffc), 0};
        stack_base = (stack->lo >> 16) | ((stack->hi & 0xff) << 16) | (stack->hi & 0xff000000);
        esp = esp0;
        new_ss = ss0;
    }
    uint32_t frame[6];
    size_t words = 0;
    if (fault.has_error)
        frame[words++] = fault.error;
    frame[words++] = return_eip;
    frame[words++] = cs;
    frame[words++] = eflags;
    if (inner) {
        frame[words++] = old_esp;
        frame[words++] = ss;
    }
    esp -= uint32_t(words * 4);
    if (auto f = system_access(stack_base + esp, frame, words * 4, true))
        return f;
    if (stop_requested_)
        return std::nullopt;
    eflags &= ~(kEflagsTf | kEflagsNt | kEflagsRf | kEflagsVm);
    if (interrupt_gate)
        eflags &= ~kEflagsIf;
    if (inner) {
        enter_ring0(uc_, context_, hflags_offset_);
        set_reg(UC_X86_REG_SS, new_ss);
    }
    set_reg(UC_X86_REG_ESP, esp);
    set_reg(UC_X86_REG_EFLAGS, eflags);
    if (new_cs != cs)
        set_reg(UC_X86_REG_CS, new_cs);
    set_reg(UC_X86_REG_EIP, handler);
    return std::nullopt;
}

} // namespace ia32emu
