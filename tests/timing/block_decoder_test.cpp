// BlockDecoder: block totals, RDTSC sites, flags, the decode-once cache and undecodable tails.
#include "emu/timing/block_decoder.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

CostConfig simple_costs() {
    CostConfig c;
    c.alu = 1;
    c.load = 2;
    c.store = 3;
    c.branch = 4;
    c.serializing = 30;
    c.cr3_write = 50;
    return c;
}

TEST(TimingBlockDecoder, SumsCostsAndFindsRdtscSites) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // mov ecx, 10 ; add eax, ecx ; rdtsc ; mov ebx, eax ; rdtsc
    const std::vector<uint8_t> code = {0xb9, 0x0a, 0x00, 0x00, 0x00, 0x01, 0xc8, 0x0f, 0x31, 0x89, 0xc3, 0x0f, 0x31};
    const BlockInfo &b = d.decode(0xc0100000, code);
    EXPECT_EQ(b.pc, 0xc0100000u);
    EXPECT_EQ(b.size, code.size());
    EXPECT_EQ(b.icount, 5u);
    EXPECT_EQ(b.static_cycles, 1u + 1 + 30 + 1 + 30);
    EXPECT_TRUE(b.flags & kInsnRdtsc);
    ASSERT_EQ(b.rdtsc.size(), 2u);
    EXPECT_EQ(b.rdtsc[0].resume_offset, 9u);
    EXPECT_EQ(b.rdtsc[0].insns_through, 3u);
    EXPECT_EQ(b.rdtsc[0].cycles_through, 32u);
    EXPECT_EQ(b.rdtsc[1].resume_offset, 13u);   // the block's end: the next block's first instruction
    EXPECT_EQ(b.rdtsc[1].insns_through, 5u);
    EXPECT_EQ(b.rdtsc[1].cycles_through, 63u);
}

TEST(TimingBlockDecoder, FlagsAreTheUnionOfTheBlock) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // mov cr3, eax ; mov eax, [ebx] ; jmp $
    const std::vector<uint8_t> code = {0x0f, 0x22, 0xd8, 0x8b, 0x03, 0xeb, 0xfe};
    const BlockInfo &b = d.decode(0x1000, code);
    EXPECT_EQ(b.flags, kInsnCr3Write | kInsnCrWrite | kInsnReadsMemory);
    // The CR3 write drains (50); the load issues next and the jump a cycle after it (scalar, in
    // order), so the jump's 4 overlap the load's second cycle.
    EXPECT_EQ(b.static_cycles, 50u + 1 + 4);
    EXPECT_TRUE(b.rdtsc.empty());
}

TEST(TimingBlockDecoder, DecodesEachDistinctBlockOnce) {
    BlockDecoder d(simple_costs(), CoreParams{});
    const std::vector<uint8_t> a = {0x01, 0xd8, 0xc3};   // add eax, ebx ; ret
    const std::vector<uint8_t> b = {0x8b, 0x03, 0xc3};   // mov eax, [ebx] ; ret
    EXPECT_EQ(d.lookup(0x2000, 3), nullptr);
    const BlockInfo *first = &d.decode(0x2000, a);
    EXPECT_EQ(&d.decode(0x2000, a), first);
    EXPECT_EQ(d.decoded_blocks(), 1u);
    EXPECT_EQ(d.lookup(0x2000, 3), first);

    // Same address and size, new bytes (code rewritten or another address space): a new entry,
    // and lookup answers the newest.
    const BlockInfo *second = &d.decode(0x2000, b);
    EXPECT_NE(second, first);
    EXPECT_EQ(d.decoded_blocks(), 2u);
    EXPECT_EQ(d.lookup(0x2000, 3), second);
    // ret's stack load and its branch slot pipeline: it issues in the larger, 4.
    EXPECT_EQ(first->static_cycles, 1u + 4);
    EXPECT_EQ(second->static_cycles, 2u + 4);

    // Going back to the first bytes reuses the first decode.
    EXPECT_EQ(&d.decode(0x2000, a), first);
    EXPECT_EQ(d.lookup(0x2000, 3), first);
    EXPECT_EQ(d.lookup(0x2000, 2), nullptr);
}

TEST(TimingBlockDecoder, LookupSurvivesSlotCollisions) {
    BlockDecoder d(simple_costs(), CoreParams{});
    const std::vector<uint8_t> code = {0x90};
    // Multiples of 64 MiB have equal low bits at every shift the slot index uses, so they share
    // one recent-lookup slot and each lookup must fall back to the full table.
    std::vector<const BlockInfo *> blocks;
    for (uint32_t i = 1; i <= 8; ++i) blocks.push_back(&d.decode(i << 26, code));
    for (uint32_t i = 1; i <= 8; ++i) EXPECT_EQ(d.lookup(i << 26, 1), blocks[i - 1]);
    for (uint32_t i = 8; i >= 1; --i) EXPECT_EQ(d.lookup(i << 26, 1), blocks[i - 1]);
}

TEST(TimingBlockDecoder, UndecodableTailCountsAsOneInstruction) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // add eax, ebx ; then the first byte of a two-byte opcode with nothing after it
    const std::vector<uint8_t> code = {0x01, 0xd8, 0x0f};
    const BlockInfo &b = d.decode(0x3000, code);
    EXPECT_FALSE(b.fully_decoded);
    EXPECT_EQ(b.icount, 2u);
    EXPECT_EQ(b.static_cycles, 2u);
}

// The register dataflow that decides whether loads wait out each other's latency.
TEST(TimingBlockDecoder, FindsPointerChasesInTheDataflow) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // 1: mov esi, [esi] ; dec ecx ; jnz 1b  -- the loop's next load uses this one's result.
    const std::vector<uint8_t> chase = {0x8b, 0x36, 0x49, 0x75, 0xfb};
    const BlockInfo &c = d.decode(0x2000, chase);
    EXPECT_TRUE(c.chases);
    EXPECT_TRUE(c.conditional_branch);
    EXPECT_EQ(c.branch_pc, 0x2003u);
    EXPECT_EQ(c.branch_target, 0x2000u);
    // mov eax, [esi] ; mov esi, [eax+4] -- a chase inside one block, no loop needed.
    const std::vector<uint8_t> inner = {0x8b, 0x06, 0x8b, 0x70, 0x04};
    EXPECT_TRUE(d.decode(0x3000, inner).chases);
    // 1: add eax, [esi] ; add esi, 4 ; cmp esi, edi ; jb 1b  -- a stream: loads are independent.
    const std::vector<uint8_t> stream = {0x03, 0x06, 0x83, 0xc6, 0x04, 0x39, 0xfe, 0x72, 0xf7};
    const BlockInfo &s = d.decode(0x4000, stream);
    EXPECT_FALSE(s.chases);
    EXPECT_TRUE(s.conditional_branch);
    EXPECT_EQ(s.branch_target, 0x4000u);
    // jmp: unconditional, not predicted.
    const std::vector<uint8_t> jmp = {0xeb, 0xfe};
    EXPECT_FALSE(d.decode(0x5000, jmp).conditional_branch);
}

// How many of a block's loads can miss together: loads divided by the longest chain of loads
// each addressing the next.
TEST(TimingBlockDecoder, CountsTheLoadsThatCanMissTogether) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // mov esi,[esi] ; mov edi,[edi] ; mov ebx,[ebx] ; mov ebp,[ebp+0] (x2) -- four chains, two deep.
    const std::vector<uint8_t> four = {0x8b, 0x36, 0x8b, 0x3f, 0x8b, 0x1b, 0x8b, 0x6d, 0x00,
                                       0x8b, 0x36, 0x8b, 0x3f, 0x8b, 0x1b, 0x8b, 0x6d, 0x00};
    const BlockInfo &b = d.decode(0x6000, four);
    EXPECT_TRUE(b.chases);
    EXPECT_EQ(b.load_parallelism, 4u);
    // mov eax,[esi] ; mov esi,[eax+4] -- one chain.
    const std::vector<uint8_t> inner = {0x8b, 0x06, 0x8b, 0x70, 0x04};
    EXPECT_EQ(d.decode(0x7000, inner).load_parallelism, 1u);
    // add eax,[esi] ; add eax,[esi+4] -- the sum depends on both loads, their addresses on neither.
    const std::vector<uint8_t> sum = {0x03, 0x06, 0x03, 0x46, 0x04};
    EXPECT_EQ(d.decode(0x8000, sum).load_parallelism, 2u);
}

// Where each instruction starts and what the block has cost before it: what a fault there keeps.
TEST(TimingBlockDecoder, RecordsEachInstructionsStart) {
    BlockDecoder d(simple_costs(), CoreParams{});
    // nop ; nop ; mov cr3, eax ; nop
    const std::vector<uint8_t> code = {0x90, 0x90, 0x0f, 0x22, 0xd8, 0x90};
    const BlockInfo &b = d.decode(0x9000, code);
    ASSERT_EQ(b.insns.size(), 4u);
    EXPECT_EQ(b.insns[2].offset, 2u);
    EXPECT_EQ(b.insns[2].cycles_before, 2u);
    EXPECT_EQ(b.insns[3].offset, 5u);
    EXPECT_EQ(b.insns[3].cycles_before, 52u);
    EXPECT_EQ(b.static_cycles, 53u);
}

// Unicorn translating code again is the decoder's cue: the same bytes keep their decode, other
// bytes at the same address and size (rewritten code, another address space) lose it.
TEST(TimingBlockDecoder, ForgetsADecodeOnlyWhenTheBytesDiffer) {
    BlockDecoder d(simple_costs(), CoreParams{});
    const std::vector<uint8_t> rdtsc_nops{0x0f, 0x31, 0x90, 0x90, 0x90, 0xc3};   // rdtsc; nop x3; ret
    const std::vector<uint8_t> lfence_rdtsc{0x0f, 0xae, 0xe8, 0x0f, 0x31, 0xc3}; // lfence; rdtsc; ret
    const BlockInfo &old_code = d.decode(0x1000, rdtsc_nops);
    EXPECT_EQ(old_code.bytes_hash, BlockDecoder::hash_of(rdtsc_nops));
    EXPECT_FALSE(d.forget_if_decoded_from_other(0x1000, rdtsc_nops));
    EXPECT_EQ(d.lookup(0x1000, 6), &old_code);
    EXPECT_FALSE(d.forget_if_decoded_from_other(0x2000, lfence_rdtsc)) << "nothing decoded there";
    EXPECT_TRUE(d.forget_if_decoded_from_other(0x1000, lfence_rdtsc));
    EXPECT_EQ(d.lookup(0x1000, 6), nullptr);
    const BlockInfo &new_code = d.decode(0x1000, lfence_rdtsc);
    ASSERT_EQ(new_code.rdtsc.size(), 1u);
    EXPECT_EQ(new_code.rdtsc[0].resume_offset, 5u);
    EXPECT_EQ(d.lookup(0x1000, 6), &new_code);
    // Back to the first bytes: found again by their hash, without decoding.
    EXPECT_TRUE(d.forget_if_decoded_from_other(0x1000, rdtsc_nops));
    EXPECT_EQ(&d.decode(0x1000, rdtsc_nops), &old_code);
}

// `n` distinct small blocks: `mov eax, i ; ret` at 0x100000 + 8 i.
std::vector<uint8_t> numbered_block(uint32_t i) {
    return {0xb8, uint8_t(i), uint8_t(i >> 8), uint8_t(i >> 16), uint8_t(i >> 24), 0xc3};
}

TEST(TimingBlockDecoder, StoreIsDroppedAtItsCapAndCountsWhatItDropped) {
    // A few small blocks fit in 2 KiB.
    BlockDecoder d(simple_costs(), CoreParams{}, 2048);
    const BlockInfo *running = nullptr;
    for (uint32_t i = 0; i < 1000; ++i) {
        const std::vector<uint8_t> code = numbered_block(i);
        const BlockInfo &b = d.decode(0x100000 + 8 * i, code);
        // The block that ran before this decode is still readable (ASan would see a freed one).
        if (running) {
            EXPECT_EQ(running->size, 6u);
        }
        running = &b;
        EXPECT_LE(d.decoded_blocks(), 8u);
    }
    EXPECT_GT(d.dropped_blocks(), 900u);
    EXPECT_EQ(d.dropped_blocks() + d.decoded_blocks(), 1000u);
    // A dropped block is no longer found; decoding it again gives the same figures.
    EXPECT_EQ(d.lookup(0x100000, 6), nullptr);
    BlockDecoder unbounded(simple_costs(), CoreParams{});
    const std::vector<uint8_t> first = numbered_block(0);
    const BlockInfo &again = d.decode(0x100000, first);
    const BlockInfo &reference = unbounded.decode(0x100000, first);
    EXPECT_EQ(again.icount, reference.icount);
    EXPECT_EQ(again.static_cycles, reference.static_cycles);
    EXPECT_EQ(again.flags, reference.flags);
    EXPECT_EQ(again.insns.size(), reference.insns.size());
    EXPECT_EQ(unbounded.dropped_blocks(), 0u);
}

TEST(TimingBlockDecoder, EvenATinyCapKeepsTwoBlocks) {
    // A cap below one block still keeps the running block and the one decoded after it.
    BlockDecoder d(simple_costs(), CoreParams{}, 1);
    const std::vector<uint8_t> a = numbered_block(1), b = numbered_block(2), c = numbered_block(3);
    const BlockInfo *first = &d.decode(0x1000, a);
    const BlockInfo *second = &d.decode(0x2000, b);
    EXPECT_EQ(d.dropped_blocks(), 0u);
    d.decode(0x3000, c);
    EXPECT_EQ(d.dropped_blocks(), 2u);
    EXPECT_EQ(d.lookup(0x1000, 6), nullptr);
    EXPECT_EQ(first->pc, 0x1000u);    // retired, not freed
    EXPECT_EQ(second->pc, 0x2000u);
}

} // namespace
} // namespace ia32emu
