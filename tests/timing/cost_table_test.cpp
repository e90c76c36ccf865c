// CostTable: each instruction lands in its class and is priced from the board's costs.
#include "emu/timing/cost_table.h"

#include <cstdint>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "emu/board/board_config.h"
#include "emu/timing/block_decoder.h"

namespace ia32emu {
namespace {

// Distinct primes, so a wrong class or a missing load/store term shows in the sum.
CostConfig distinct_costs() {
    CostConfig c;
    c.alu = 1;
    c.mul = 7;
    c.div = 41;
    c.branch = 2;
    c.load = 3;
    c.store = 5;
    c.string_element = 11;
    c.fpu = 13;
    c.sse = 17;
    c.port_io = 101;
    c.cr_write = 19;
    c.cr3_write = 23;
    c.invlpg = 29;
    c.serializing = 31;
    return c;
}

struct Case {
    const char *text;
    std::vector<uint8_t> bytes;
    uint32_t cycles;
    uint16_t flags;
};

TEST(TimingCostTable, ClassifiesAndPricesSingleInstructions) {
    const std::vector<Case> cases = {
        {"add eax, ebx", {0x01, 0xd8}, 1, 0},
        {"lea eax, [ebx+4]", {0x8d, 0x43, 0x04}, 1, 0},
        {"mov eax, ebx", {0x89, 0xd8}, 1, 0},
        {"mov eax, [ebx]", {0x8b, 0x03}, 3, kInsnReadsMemory},
        {"mov [ebx], eax", {0x89, 0x03}, 5, kInsnWritesMemory},
        // A load-op instruction issues in the larger of its ALU and load slots (they pipeline).
        {"add eax, [ebx]", {0x03, 0x03}, 3, kInsnReadsMemory},
        {"add [ebx], eax", {0x01, 0x03}, 3 + 5, kInsnReadsMemory | kInsnWritesMemory},
        {"push eax", {0x50}, 5, kInsnWritesMemory},
        {"pop eax", {0x58}, 3, kInsnReadsMemory},
        {"imul eax, ebx", {0x0f, 0xaf, 0xc3}, 7, 0},
        {"div ebx", {0xf7, 0xf3}, 41, 0},
        {"jmp $", {0xeb, 0xfe}, 2, 0},
        {"call next", {0xe8, 0x00, 0x00, 0x00, 0x00}, 2 + 5, kInsnWritesMemory},
        {"ret", {0xc3}, 3, kInsnReadsMemory},
        {"rep movsd", {0xf3, 0xa5}, 11, kInsnRep | kInsnFastString | kInsnReadsMemory | kInsnWritesMemory},
        {"rep stosb", {0xf3, 0xaa}, 11, kInsnRep | kInsnFastString | kInsnWritesMemory},
        {"rep lodsb", {0xf3, 0xac}, 11, kInsnRep | kInsnReadsMemory},
        {"stosb", {0xaa}, 11, kInsnWritesMemory},
        {"fadd st(0), st(1)", {0xd8, 0xc1}, 13, 0},
        {"addps xmm0, xmm1", {0x0f, 0x58, 0xc1}, 17, 0},
        {"in al, dx", {0xec}, 101, kInsnPortIo},
        {"out dx, eax", {0xef}, 101, kInsnPortIo},
        {"rep outsb", {0xf3, 0x6e}, 101, kInsnPortIo | kInsnRep | kInsnReadsMemory},
        {"mov cr0, eax", {0x0f, 0x22, 0xc0}, 19, kInsnCrWrite},
        {"mov cr3, eax", {0x0f, 0x22, 0xd8}, 23, kInsnCrWrite | kInsnCr3Write},
        {"mov eax, cr3", {0x0f, 0x20, 0xd8}, 1, 0},
        {"invlpg [eax]", {0x0f, 0x01, 0x38}, 29, kInsnInvlpg},
        {"rdtsc", {0x0f, 0x31}, 31, kInsnRdtsc},
        {"cpuid", {0x0f, 0xa2}, 31, kInsnCpuid},
        {"wbinvd", {0x0f, 0x09}, 31, kInsnWbinvd},
        {"hlt", {0xf4}, 31, kInsnHlt},
    };
    BlockDecoder decoder(distinct_costs(), CoreParams{});
    uint32_t pc = 0x1000;
    for (const Case &c : cases) {
        const BlockInfo &b = decoder.decode(pc, c.bytes);
        pc += 0x100;
        EXPECT_EQ(b.icount, 1u) << c.text;
        EXPECT_TRUE(b.fully_decoded) << c.text;
        EXPECT_EQ(b.static_cycles, c.cycles) << c.text;
        EXPECT_EQ(b.flags, c.flags) << c.text;
    }
}

// The engine skips reading EFLAGS while interrupts stay masked, until a block holds one of these.
TEST(TimingCostTable, MarksEveryInstructionThatCanSetTheInterruptFlag) {
    const std::vector<std::pair<const char *, std::vector<uint8_t>>> setters = {
        {"sti", {0xfb}},
        {"popfd", {0x9d}},
        {"popf", {0x66, 0x9d}},
        {"iretd", {0xcf}},
        {"ljmp 0x28:0", {0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00}},
        {"lcall 0x28:0", {0x9a, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00}},
        {"rsm", {0x0f, 0xaa}},
    };
    const std::vector<std::pair<const char *, std::vector<uint8_t>>> others = {
        {"cli", {0xfa}}, {"pushfd", {0x9c}}, {"ret", {0xc3}}, {"int 0x80", {0xcd, 0x80}}};
    BlockDecoder decoder(distinct_costs(), CoreParams{});
    uint32_t pc = 0x1000;
    for (const auto &[text, bytes] : setters) {
        EXPECT_TRUE(decoder.decode(pc, bytes).flags & kInsnMaySetIf) << text;
        pc += 0x100;
    }
    for (const auto &[text, bytes] : others) {
        EXPECT_FALSE(decoder.decode(pc, bytes).flags & kInsnMaySetIf) << text;
        pc += 0x100;
    }
}

TEST(TimingCostTable, ClassCostsComeFromTheBoard) {
    CostTable t(BoardConfig::load("atom-n270").cost);
    EXPECT_EQ(t.class_cost(InsnClass::Div), 50u);
    EXPECT_EQ(t.class_cost(InsnClass::Branch), 2u);
    EXPECT_EQ(insn_class_name(InsnClass::Cr3Write), "cr3_write");
}

} // namespace
} // namespace ia32emu
