// Instruction classes and their static cycle costs: Capstone instruction ids and groups to board costs.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <capstone/capstone.h>

#include "emu/timing/cost_config.h"

namespace ia32emu {

// What an instruction costs before memory stalls. Memory latency is not here: the cache model
// charges each access's hit latency, so Load/Store costs are only the issue slot.
enum class InsnClass : uint8_t {
    Alu,          // integer ALU, register moves, lea, flags, nop, everything not named below
    Mul,          // mul, imul
    Div,          // div, idiv
    Branch,       // jumps, calls, returns, loop/jecxz
    Move,         // mov/movzx/movsx/push/pop: pure data movement, costed as its load and/or store
    String,       // movs/stos/lods/scas/cmps: one element (each rep iteration runs as its own block)
    Fpu,          // x87
    Sse,          // MMX, SSE, SSE2 and later vector instructions
    PortIo,       // in, out, ins, outs
    CrWrite,      // mov to CR0/CR2/CR4
    Cr3Write,     // mov to CR3
    Invlpg,       // invlpg
    Serializing,  // cpuid, rdtsc, wbinvd, lgdt/lidt, iret, int, hlt, msr access and the like
    Count
};

// Facts about one instruction that the engine acts on.
enum InsnFlag : uint16_t {
    kInsnReadsMemory = 1 << 0,
    kInsnWritesMemory = 1 << 1,
    kInsnRdtsc = 1 << 2,
    kInsnCr3Write = 1 << 3,
    kInsnCrWrite = 1 << 4,      // any control register, CR3 included
    kInsnInvlpg = 1 << 5,
    kInsnWbinvd = 1 << 6,       // wbinvd or invd
    kInsnPortIo = 1 << 7,
    kInsnRep = 1 << 8,          // a string instruction with a rep/repe/repne prefix
    kInsnCpuid = 1 << 9,
    kInsnHlt = 1 << 10,
    kInsnFastString = 1 << 11,  // rep movs or rep stos: fast-string operation moves whole lines
    kInsnMaySetIf = 1 << 12,    // sti, popf, iret, or a far jump/call (a task switch) can set EFLAGS.IF
};

struct InsnCost {
    InsnClass cls = InsnClass::Alu;
    uint16_t flags = 0;
    uint32_t cycles = 0;
};

class CostTable {
public:
    explicit CostTable(const CostConfig &costs);

    // `insn` must come from a handle with CS_OPT_DETAIL on.
    InsnCost classify(const cs_insn &insn) const;
    uint32_t class_cost(InsnClass cls) const { return base_[size_t(cls)]; }

private:
    std::array<uint32_t, size_t(InsnClass::Count)> base_{};
    uint32_t load_ = 0;
    uint32_t store_ = 0;
};

std::string_view insn_class_name(InsnClass cls);

} // namespace ia32emu
