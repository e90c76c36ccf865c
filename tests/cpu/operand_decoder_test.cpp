// OperandDecoder: memory operands decoded once per EIP, and at most bounds::kDecodedOperands kept.
#include <gtest/gtest.h>

#include <capstone/capstone.h>

#include <cstdint>
#include <cstring>

#include "emu/bounds/host_bounds.h"
#include "emu/engine/operand_decoder.h"

namespace ia32emu {
namespace {

// Every EIP reads `mov eax, [ebx + 0x10]` (8b 43 10), whatever the address.
bool same_load_everywhere(uint32_t, uint8_t *out, size_t len) {
    static const uint8_t kLoad[15] = {0x8b, 0x43, 0x10, 0x90, 0x90, 0x90, 0x90, 0x90,
                                      0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90};
    std::memcpy(out, kLoad, len);
    return true;
}

TEST(OperandDecoderCap, DecodesPastTheCapAreDroppedAndStillRight) {
    OperandDecoder d;
    const OperandDecoder::ReadFn read = same_load_everywhere;
    const uint32_t eips = uint32_t(bounds::kDecodedOperands) + 100;
    for (uint32_t eip = 0; eip < eips; ++eip) {
        const DecodedInsn *insn = d.decode(0x100000 + eip, read);
        ASSERT_NE(insn, nullptr);
        ASSERT_EQ(insn->size, 3u);
        ASSERT_EQ(insn->mem.size(), 1u);
        EXPECT_EQ(insn->mem[0].base, X86_REG_EBX);
        EXPECT_EQ(insn->mem[0].disp, 0x10);
    }
    EXPECT_EQ(d.dropped(), bounds::kDecodedOperands);
    // The first EIP was dropped; asking again decodes it again, the same.
    const DecodedInsn *again = d.decode(0x100000, read);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->id, unsigned(X86_INS_MOV));
}

} // namespace
} // namespace ia32emu
