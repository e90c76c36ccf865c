// Classifies a decoded instruction by id, operands and groups, and prices it from the board's costs.
#include "emu/timing/cost_table.h"

#include <algorithm>

namespace ia32emu {

namespace {

bool in_group(const cs_detail &d, uint8_t group) {
    for (uint8_t i = 0; i < d.groups_count; ++i)
        if (d.groups[i] == group) return true;
    return false;
}

bool is_control_register(x86_reg r) { return r >= X86_REG_CR0 && r <= X86_REG_CR15; }
bool is_debug_register(x86_reg r) { return r >= X86_REG_DR0 && r <= X86_REG_DR15; }

// The stack and string instructions touch memory without a memory operand in Capstone's view.
uint16_t implicit_memory(unsigned id) {
    switch (id) {
    case X86_INS_PUSH: case X86_INS_PUSHAL: case X86_INS_PUSHAW: case X86_INS_PUSHF: case X86_INS_PUSHFD:
    case X86_INS_CALL: case X86_INS_LCALL: case X86_INS_ENTER:
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD:
    case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
        return kInsnWritesMemory;
    case X86_INS_POP: case X86_INS_POPAL: case X86_INS_POPAW: case X86_INS_POPF: case X86_INS_POPFD:
    case X86_INS_RET: case X86_INS_RETF: case X86_INS_LEAVE: case X86_INS_IRET: case X86_INS_IRETD:
    case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD:
    case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD:
    case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
        return kInsnReadsMemory;
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD:
        return kInsnReadsMemory | kInsnWritesMemory;
    default:
        return 0;
    }
}

uint16_t explicit_memory(const cs_insn &insn) {
    // lea and the multi-byte nop carry a memory operand that is never accessed.
    if (insn.id == X86_INS_LEA || insn.id == X86_INS_NOP) return 0;
    uint16_t flags = 0;
    const cs_x86 &x = insn.detail->x86;
    for (uint8_t i = 0; i < x.op_count; ++i) {
        if (x.operands[i].type != X86_OP_MEM) continue;
        uint8_t access = x.operands[i].access;
        if (access & CS_AC_WRITE) flags |= kInsnWritesMemory;
        // Capstone leaves access empty for a few instructions; a read is the cheaper guess.
        if ((access & CS_AC_READ) || access == 0) flags |= kInsnReadsMemory;
    }
    return flags;
}

bool moves_or_stores(unsigned id) {
    switch (id) {
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD:
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD:
        return true;
    default:
        return false;
    }
}

bool is_string(unsigned id) {
    switch (id) {
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD:
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD:
    case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD:
    case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD:
        return true;
    default:
        return false;
    }
}

bool is_move(unsigned id) {
    switch (id) {
    case X86_INS_MOV: case X86_INS_MOVZX: case X86_INS_MOVSX:
    case X86_INS_PUSH: case X86_INS_PUSHAL: case X86_INS_PUSHAW: case X86_INS_PUSHF: case X86_INS_PUSHFD:
    case X86_INS_POP: case X86_INS_POPAL: case X86_INS_POPAW: case X86_INS_POPF: case X86_INS_POPFD:
        return true;
    default:
        return false;
    }
}

bool is_serializing(unsigned id) {
    switch (id) {
    case X86_INS_CPUID: case X86_INS_RDTSC: case X86_INS_RDTSCP: case X86_INS_WBINVD: case X86_INS_INVD:
    case X86_INS_HLT: case X86_INS_LGDT: case X86_INS_LIDT: case X86_INS_LLDT: case X86_INS_LTR:
    case X86_INS_SGDT: case X86_INS_SIDT: case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_WRMSR:
    case X86_INS_RDMSR: case X86_INS_CLTS: case X86_INS_LMSW: case X86_INS_RSM: case X86_INS_INT:
    case X86_INS_INT3: case X86_INS_INTO: case X86_INS_SYSENTER: case X86_INS_SYSEXIT: case X86_INS_UD2:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RETF:
        return true;
    default:
        return false;
    }
}

uint16_t system_flags(unsigned id) {
    switch (id) {
    case X86_INS_CPUID: return kInsnCpuid;
    case X86_INS_RDTSC: case X86_INS_RDTSCP: return kInsnRdtsc;
    case X86_INS_WBINVD: case X86_INS_INVD: return kInsnWbinvd;
    case X86_INS_HLT: return kInsnHlt;
    default: return 0;
    }
}

// A control-register destination, or X86_REG_INVALID.
x86_reg written_register(const cs_insn &insn) {
    const cs_x86 &x = insn.detail->x86;
    if (insn.id != X86_INS_MOV || x.op_count < 1 || x.operands[0].type != X86_OP_REG) return X86_REG_INVALID;
    return x.operands[0].reg;
}

bool may_set_interrupt_flag(unsigned id) {
    switch (id) {
    case X86_INS_STI: case X86_INS_POPF: case X86_INS_POPFD: case X86_INS_IRET: case X86_INS_IRETD:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RSM:
        return true;
    default:
        return false;
    }
}

bool has_rep_prefix(const cs_insn &insn) {
    uint8_t p = insn.detail->x86.prefix[0];
    return p == X86_PREFIX_REP || p == X86_PREFIX_REPNE;
}

} // namespace

CostTable::CostTable(const CostConfig &c) : load_(c.load), store_(c.store) {
    auto set = [&](InsnClass cls, uint32_t cycles) { base_[size_t(cls)] = cycles; };
    set(InsnClass::Alu, c.alu);
    set(InsnClass::Mul, c.mul);
    set(InsnClass::Div, c.div);
    set(InsnClass::Branch, c.branch);
    set(InsnClass::Move, c.alu);
    set(InsnClass::String, c.string_element);
    set(InsnClass::Fpu, c.fpu);
    set(InsnClass::Sse, c.sse);
    set(InsnClass::PortIo, c.port_io);
    set(InsnClass::CrWrite, c.cr_write);
    set(InsnClass::Cr3Write, c.cr3_write);
    set(InsnClass::Invlpg, c.invlpg);
    set(InsnClass::Serializing, c.serializing);
}

InsnCost CostTable::classify(const cs_insn &insn) const {
    const cs_detail &d = *insn.detail;
    const unsigned id = insn.id;
    InsnCost out;
    uint16_t memory = uint16_t(implicit_memory(id) | explicit_memory(insn));
    x86_reg dest = written_register(insn);

    if (id == X86_INS_IN || id == X86_INS_OUT) {
        out.cls = InsnClass::PortIo;
        out.flags = kInsnPortIo;
    } else if (id == X86_INS_INSB || id == X86_INS_INSW || id == X86_INS_INSD || id == X86_INS_OUTSB ||
               id == X86_INS_OUTSW || id == X86_INS_OUTSD) {
        out.cls = InsnClass::PortIo;
        out.flags = uint16_t(kInsnPortIo | (has_rep_prefix(insn) ? kInsnRep : 0));
    } else if (is_control_register(dest)) {
        out.cls = dest == X86_REG_CR3 ? InsnClass::Cr3Write : InsnClass::CrWrite;
        out.flags = uint16_t(kInsnCrWrite | (dest == X86_REG_CR3 ? kInsnCr3Write : 0));
    } else if (is_debug_register(dest)) {
        out.cls = InsnClass::Serializing;
    } else if (id == X86_INS_INVLPG) {
        out.cls = InsnClass::Invlpg;
        out.flags = kInsnInvlpg;
        memory = 0;   // its operand names a page, it does not read it
    } else if (is_serializing(id)) {
        out.cls = InsnClass::Serializing;
        out.flags = system_flags(id);
    } else if (in_group(d, X86_GRP_SSE1) || in_group(d, X86_GRP_SSE2) || in_group(d, X86_GRP_SSE3) ||
               in_group(d, X86_GRP_SSSE3) || in_group(d, X86_GRP_SSE41) || in_group(d, X86_GRP_SSE42) ||
               in_group(d, X86_GRP_MMX) || in_group(d, X86_GRP_3DNOW) || in_group(d, X86_GRP_AVX)) {
        out.cls = InsnClass::Sse;
    } else if (in_group(d, X86_GRP_FPU)) {
        out.cls = InsnClass::Fpu;
    } else if (id == X86_INS_MUL || id == X86_INS_IMUL) {
        out.cls = InsnClass::Mul;
    } else if (id == X86_INS_DIV || id == X86_INS_IDIV) {
        out.cls = InsnClass::Div;
    } else if (is_string(id)) {
        out.cls = InsnClass::String;
        if (has_rep_prefix(insn)) out.flags = uint16_t(kInsnRep | (moves_or_stores(id) ? kInsnFastString : 0));
    } else if (in_group(d, X86_GRP_JUMP) || in_group(d, X86_GRP_CALL) || in_group(d, X86_GRP_RET) ||
               in_group(d, X86_GRP_BRANCH_RELATIVE)) {
        out.cls = InsnClass::Branch;
    } else if (is_move(id)) {
        out.cls = InsnClass::Move;
    }
    out.flags = uint16_t(out.flags | memory | (may_set_interrupt_flag(id) ? kInsnMaySetIf : 0));

    const bool reads = memory & kInsnReadsMemory, writes = memory & kInsnWritesMemory;
    switch (out.cls) {
    case InsnClass::Move:
        out.cycles = (reads || writes) ? (reads ? load_ : 0) + (writes ? store_ : 0) : class_cost(InsnClass::Move);
        break;
    case InsnClass::Alu: case InsnClass::Mul: case InsnClass::Div: case InsnClass::Branch:
    case InsnClass::Fpu: case InsnClass::Sse:
        // The load and the operation occupy different pipeline stages (Atom: AG/DC before EX; P6:
        // a load uop feeding an ALU uop), so a run of load-op instructions issues one per cycle
        // ([AGNER]: ADD r,m has reciprocal throughput 1 on both cores): the issue slot is the
        // larger of the two, not their sum. The store of a read-modify-write takes its own slot.
        out.cycles = (reads ? std::max(class_cost(out.cls), load_) : class_cost(out.cls)) + (writes ? store_ : 0);
        break;
    default:
        // String and port instructions' own cost covers their element's access; system
        // instructions are priced as a whole.
        out.cycles = class_cost(out.cls);
        break;
    }
    return out;
}

std::string_view insn_class_name(InsnClass cls) {
    switch (cls) {
    case InsnClass::Alu: return "alu";
    case InsnClass::Mul: return "mul";
    case InsnClass::Div: return "div";
    case InsnClass::Branch: return "branch";
    case InsnClass::Move: return "move";
    case InsnClass::String: return "string";
    case InsnClass::Fpu: return "fpu";
    case InsnClass::Sse: return "sse";
    case InsnClass::PortIo: return "port_io";
    case InsnClass::CrWrite: return "cr_write";
    case InsnClass::Cr3Write: return "cr3_write";
    case InsnClass::Invlpg: return "invlpg";
    case InsnClass::Serializing: return "serializing";
    case InsnClass::Count: break;
    }
    return "?";
}

} // namespace ia32emu
