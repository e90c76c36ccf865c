// TimingModel without an engine: a fake guest with paging off, blocks decoded from bytes, and a
// synthetic access stream. Independent misses overlap on the out-of-order core and not on the
// in-order one; dependent misses (a pointer chase) never overlap.
#include "emu/timing/timing_model.h"

#include "emu/board/board_config.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

class FlatGuest : public GuestView {
public:
    uint32_t esp() const override { return 0x8000; }
    uint32_t eip() const override { return 0x1000; }
    uint32_t eax() const override { return 0; }
    bool read_virtual(uint32_t, void *, size_t) const override { return false; }
    PagingRegs paging() const override { return regs; }
    PagingRegs regs;   // paging off unless a test turns it on
};

// What the model's MMU checks reported.
class FaultsSeen : public TranslationFaultSink {
public:
    void stale_tlb(uint32_t va, const StaleTranslation &s) override { stale.push_back({va, s}); }
    void mmu_mismatch(uint32_t va, uint64_t model_pa, uint64_t engine_pa) override {
        mismatches.push_back({va, model_pa, engine_pa});
    }
    struct Stale {
        uint32_t va;
        StaleTranslation seen;
    };
    struct Mismatch {
        uint32_t va;
        uint64_t model_pa, engine_pa;
    };
    std::vector<Stale> stale;
    std::vector<Mismatch> mismatches;
};

constexpr uint64_t kRam = 64ull << 20;

struct Rig {
    explicit Rig(const char *preset) : board(BoardConfig::load(preset)), ram(kRam), decoder(board.cost, board.core) {
        board.memory_system.prefetch.streams = 0;   // the accesses below are random lines, not streams
        model = std::make_unique<TimingModel>(board.timing_params(), ram.data(), kRam, guest, faults);
    }
    // `block` runs once and its loads reach the given lines, one line every 64 KiB so that every
    // one misses every cache; returns the cycles it took.
    uint64_t run(const std::vector<uint8_t> &code, unsigned loads, uint64_t first_line) {
        const BlockInfo &block = decoder.decode(0x1000, code);
        uint64_t before = model->cycles();
        model->on_block(block, false);
        for (unsigned i = 0; i < loads; ++i) {
            uint64_t pa = (16ull << 20) + (first_line + i) * 65536 % (40ull << 20);
            model->on_data_read(uint32_t(pa), pa, 4);
        }
        return model->cycles() - before;
    }
    BoardConfig board;
    std::vector<uint8_t> ram;
    FlatGuest guest;
    FaultsSeen faults;
    BlockDecoder decoder;
    std::unique_ptr<TimingModel> model;
};

// add eax,[esi] ; add eax,[esi+64] ; add eax,[esi+128] ; add eax,[esi+192]: four independent loads.
const std::vector<uint8_t> kIndependent = {0x03, 0x06, 0x03, 0x46, 0x40, 0x03, 0x86, 0x80, 0x00, 0x00, 0x00,
                                           0x03, 0x86, 0xc0, 0x00, 0x00, 0x00};
// mov esi,[esi] x4: each load's address is the one before's result.
const std::vector<uint8_t> kChase = {0x8b, 0x36, 0x8b, 0x36, 0x8b, 0x36, 0x8b, 0x36};

TEST(TimingModelOverlap, IndependentMissesOverlapOnTheOutOfOrderCore) {
    Rig pm("pentium-m");
    uint64_t independent = pm.run(kIndependent, 4, 0);
    uint64_t chase = pm.run(kChase, 4, 100);
    const uint64_t dram = pm.board.cache.memory_latency;
    // The chase waits out four whole DRAM latencies; the four independent misses about one, plus
    // the bus carrying four lines.
    EXPECT_GE(chase, 4 * (dram - 1));
    EXPECT_LT(independent, 2 * dram);
    EXPECT_GE(independent, dram - 1);
}

TEST(TimingModelOverlap, TheInOrderCoreWaitsForEveryMiss) {
    Rig atom("atom-n270");
    uint64_t independent = atom.run(kIndependent, 4, 0);
    uint64_t chase = atom.run(kChase, 4, 100);
    const uint64_t dram = atom.board.cache.memory_latency;
    EXPECT_GE(independent, 4 * (dram - 1));
    EXPECT_GE(chase, 4 * (dram - 1));
}

// mov esi,[esi] ; test esi,esi ; jz: a pointer chase checking each pointer, so every load ends a
// block and the next block's load is addressed by it.
const std::vector<uint8_t> kSplitChase = {0x8b, 0x36, 0x85, 0xf6, 0x74, 0x00};
// add eax,[esi] ; test eax,eax ; jz: the same shape with loads that do not feed each other.
const std::vector<uint8_t> kSplitIndependent = {0x03, 0x06, 0x85, 0xc0, 0x74, 0x00};

TEST(TimingModelOverlap, AChaseAcrossBlocksDoesNotOverlapItsMisses) {
    auto four_blocks = [](Rig &rig, const std::vector<uint8_t> &code, uint64_t first_line) {
        uint64_t cycles = 0;
        for (unsigned i = 0; i < 4; ++i) cycles += rig.run(code, 1, first_line + i);
        return cycles;
    };
    // Each shape on a fresh core, so that its first miss cannot overlap the shape run before.
    Rig chase("pentium-m"), independent("pentium-m"), copied("pentium-m");
    const uint64_t dram = chase.board.cache.memory_latency;
    EXPECT_GE(four_blocks(chase, kSplitChase, 0), 4 * (dram - 1));
    EXPECT_LT(four_blocks(independent, kSplitIndependent, 100), 2 * dram);
    // A register copy between the blocks carries the dependence along.
    // mov edi,esi ; mov esi,[edi] ; test esi,esi ; jz
    const std::vector<uint8_t> through_copy = {0x89, 0xf7, 0x8b, 0x37, 0x85, 0xf6, 0x74, 0x00};
    EXPECT_GE(four_blocks(copied, through_copy, 200), 4 * (dram - 1));
}

TEST(TimingModelOverlap, MissesFurtherApartThanTheReorderBufferDoNotOverlap) {
    // Four blocks of four instructions, one miss each: 12 instructions apart at most.
    auto four_blocks = [](Rig &rig) {
        uint64_t cycles = 0;
        for (unsigned i = 0; i < 4; ++i) cycles += rig.run(kIndependent, 1, i);
        return cycles;
    };
    Rig wide("pentium-m");
    Rig narrow("pentium-m");
    narrow.board.core.rob_entries = 4;
    narrow.model = std::make_unique<TimingModel>(narrow.board.timing_params(), narrow.ram.data(), kRam, narrow.guest,
                                                 narrow.faults);
    const uint64_t dram = wide.board.cache.memory_latency;
    EXPECT_LT(four_blocks(wide), 2 * dram);
    EXPECT_GE(four_blocks(narrow), 4 * (dram - 1));
}

TEST(TimingModelCharges, AnExceptionPaysTheRefillAndTheGate) {
    Rig pm("pentium-m");
    const uint64_t refill = pm.board.branch.mispredict_penalty, gate = pm.board.cost.exception;
    uint64_t before = pm.model->cycles();
    pm.model->on_exception_delivered(false);
    EXPECT_EQ(pm.model->cycles() - before, refill + gate);
    before = pm.model->cycles();
    pm.model->on_exception_delivered(true);
    EXPECT_EQ(pm.model->cycles() - before, refill + gate + pm.board.cost.exception_ring_change);
}

TEST(TimingModelCharges, AFaultKeepsOnlyTheScheduleBeforeTheFaultingInstruction) {
    Rig atom("atom-n270");
    // nop ; nop ; imul eax,eax ; imul eax,eax ; cpuid
    const std::vector<uint8_t> code = {0x90, 0x90, 0x0f, 0xaf, 0xc0, 0x0f, 0xaf, 0xc0, 0x0f, 0xa2};
    const BlockInfo &block = atom.decoder.decode(0x1000, code);
    ASSERT_EQ(block.insns.size(), 5u);
    atom.model->on_block(block, false);
    atom.model->on_fault_at(0x1000 + block.insns[3].offset);
    EXPECT_EQ(atom.model->cycles(), block.insns[3].cycles_before);
    EXPECT_EQ(atom.model->instructions(), 3u);
    // Not an instruction start, or a second report: nothing more is taken back.
    atom.model->on_fault_at(0x1001 + block.insns[3].offset);
    atom.model->on_fault_at(0x1000 + block.insns[1].offset);
    EXPECT_EQ(atom.model->cycles(), block.insns[3].cycles_before);
}

TEST(TimingModelCharges, AnAccessedOrDirtyUpdateIsALockedReadModifyWrite) {
    Rig pm("pentium-m");
    uint64_t before = pm.model->cycles();
    pm.model->on_paging_entry_update(0x200000, 4);
    // The entry's line comes from DRAM for ownership; the store buffer takes the store, so only
    // the locked operation itself is charged now.
    EXPECT_EQ(pm.model->cycles() - before, pm.board.cost.ad_update);
}

// A block fetching the line the block before fetched last counts an ITLB hit and an L1I hit,
// like the lookups it skips, and sees every change in between: WBINVD empties L1I, INVLPG drops
// the ITLB entry, and each makes the next fetch miss again.
TEST(TimingModelCharges, AFetchOfTheLastLineAgainCountsHitsAndSeesInvalidations) {
    Rig pm("pentium-m");
    const std::vector<uint8_t> nops(8, 0x90);
    const BlockInfo &block = pm.decoder.decode(0x1000, nops);
    const TlbLevel &itlb = pm.model->tlbs().itlb().first();
    const CacheLevel &l1i = pm.model->memory().caches().l1i();
    pm.model->on_block(block, true);
    pm.model->on_block(block, true);
    EXPECT_EQ(itlb.stats().accesses, 2u);
    EXPECT_EQ(itlb.stats().misses, 1u);
    EXPECT_EQ(l1i.stats().accesses, 2u);
    EXPECT_EQ(l1i.stats().misses, 1u);
    const uint64_t before = pm.model->cycles();
    pm.model->on_block(block, true);
    EXPECT_EQ(pm.model->cycles() - before, block.static_cycles + itlb.hit_latency());
    pm.model->on_wbinvd();
    pm.model->on_block(block, true);
    EXPECT_EQ(l1i.stats().misses, 2u);
    EXPECT_EQ(itlb.stats().misses, 1u);
    pm.model->on_invlpg(0x1000);
    pm.model->on_block(block, true);
    EXPECT_EQ(itlb.stats().accesses, 5u);
    EXPECT_EQ(itlb.stats().misses, 2u);
    EXPECT_EQ(l1i.stats().accesses, 5u);
    EXPECT_EQ(l1i.stats().misses, 2u);
    // A block over two lines, then one starting on its second: one ITLB lookup per block (one
    // page), one L1I access per line, and the second block's line hits.
    const std::vector<uint8_t> long_nops(40, 0x90);
    pm.model->on_block(pm.decoder.decode(0x1030, long_nops), true);
    pm.model->on_block(pm.decoder.decode(0x1040, nops), true);
    EXPECT_EQ(itlb.stats().accesses, 7u);
    EXPECT_EQ(l1i.stats().accesses, 8u);
    EXPECT_EQ(l1i.stats().misses, 3u);
}

// Two-level paging: the page directory at 0x10000 maps the first 4 MiB through the table at
// 0x11000, whose entry for 0x40000 points at frame 0x50000.
struct PagedRig : Rig {
    static constexpr uint32_t kPd = 0x10000, kPt = 0x11000, kVa = 0x40000, kPtePa = kPt + (kVa >> 12) * 4;
    static constexpr uint32_t kPresentWritableAccessedDirty = 0x63;
    PagedRig() : Rig("pentium-m") {
        put(kPd, kPt | kPresentWritableAccessedDirty);
        put(kPtePa, 0x50000 | kPresentWritableAccessedDirty);
        guest.regs = {kCr0Pg, kPd, 0};
    }
    void put(uint32_t pa, uint32_t value) { std::memcpy(ram.data() + pa, &value, sizeof value); }
};

TEST(TimingModelChecks, ARewrittenPteUsedWithoutInvalidationReachesTheFaultSink) {
    PagedRig rig;
    rig.model->on_data_read(PagedRig::kVa, 0x50000, 4);
    // The guest points the page at another frame with a store, and invalidates nothing.
    rig.put(PagedRig::kPtePa, 0x60000 | PagedRig::kPresentWritableAccessedDirty);
    rig.model->on_data_write(0xC0000000u + PagedRig::kPtePa, PagedRig::kPtePa, 4);
    EXPECT_TRUE(rig.faults.stale.empty());
    // The TLB still holds the old frame, as hardware would.
    rig.model->on_data_read(PagedRig::kVa + 8, 0x50008, 4);
    ASSERT_EQ(rig.faults.stale.size(), 1u);
    EXPECT_EQ(rig.faults.stale[0].va, PagedRig::kVa + 8);
    EXPECT_EQ(rig.faults.stale[0].seen.pte_pa, PagedRig::kPtePa);
    EXPECT_EQ(rig.faults.stale[0].seen.remembered & ~0xfffull, 0x50000u);
    EXPECT_EQ(rig.faults.stale[0].seen.now & ~0xfffull, 0x60000u);
    // After invlpg the walk finds the new frame: nothing more to report.
    rig.model->on_invlpg(PagedRig::kVa);
    rig.model->on_data_read(PagedRig::kVa, 0x60000, 4);
    EXPECT_EQ(rig.faults.stale.size(), 1u);
    EXPECT_TRUE(rig.faults.mismatches.empty());
}

TEST(TimingModelChecks, CheckMmuReportsATranslationTheEngineDisagreesWith) {
    PagedRig rig;
    rig.model->set_check_translation(true);
    rig.model->on_data_read(PagedRig::kVa, 0x50000, 4);
    EXPECT_TRUE(rig.faults.mismatches.empty());
    rig.model->on_data_read(PagedRig::kVa + 4, 0x70004, 4);
    ASSERT_EQ(rig.faults.mismatches.size(), 1u);
    EXPECT_EQ(rig.faults.mismatches[0].va, PagedRig::kVa + 4);
    EXPECT_EQ(rig.faults.mismatches[0].model_pa, 0x50004u);
    EXPECT_EQ(rig.faults.mismatches[0].engine_pa, 0x70004u);
}

} // namespace
} // namespace ia32emu
