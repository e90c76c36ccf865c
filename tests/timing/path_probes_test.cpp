// PathProbes without an engine: blocks decoded from bytes run on a real TimingModel, a fake guest
// supplies ESP and the return address. A call is counted at its entry only when entered by a call,
// once however often its loop comes back to the entry; a region is measured between its markers'
// own port instructions, not from block to block.
#include "emu/timing/path_probes.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "emu/board/board_config.h"

namespace ia32emu {
namespace {

class StackGuest : public GuestView {
public:
    uint32_t esp() const override { return esp_now; }
    uint32_t eip() const override { return 0; }
    uint32_t eax() const override { return 0; }
    bool read_virtual(uint32_t va, void *out, size_t len) const override {
        if (va != esp_now || len != sizeof return_address)
            return false;
        std::memcpy(out, &return_address, len);
        return true;
    }
    PagingRegs paging() const override { return {}; }
    uint32_t esp_now = 0x8000;
    uint32_t return_address = 0;
};

class NoFaults : public TranslationFaultSink {
public:
    void stale_tlb(uint32_t, const StaleTranslation &) override { ADD_FAILURE() << "no paging here"; }
    void mmu_mismatch(uint32_t, uint64_t, uint64_t) override { ADD_FAILURE() << "no --check-mmu here"; }
};

struct Rig {
    Rig() : board(BoardConfig::load("pentium-m")), decoder(board.cost, board.core) {
        model = std::make_unique<TimingModel>(board.timing_params(), nullptr, 0, guest, faults);
        probes = std::make_unique<PathProbes>(*model, guest);
    }
    // What the engine does at each block.
    void run(const BlockInfo &block) {
        model->enter_block(block);
        probes->on_block(block);
        model->on_block(block, false);
    }
    BoardConfig board;
    StackGuest guest;
    NoFaults faults;
    BlockDecoder decoder;
    std::unique_ptr<TimingModel> model;
    std::unique_ptr<PathProbes> probes;
};

// call 0x2000 (at 0x1000, five bytes: returns to 0x1005)
const std::vector<uint8_t> kCall = {0xe8, 0xfb, 0x0f, 0x00, 0x00};
// dec ecx ; jnz 0x2000 (at 0x2000: the function's entry is its own loop's target)
const std::vector<uint8_t> kLoop = {0x49, 0x75, 0xfd};
// ret
const std::vector<uint8_t> kRet = {0xc3};
// nop
const std::vector<uint8_t> kNop = {0x90};

TEST(PathProbes, ACallWhoseEntryIsItsLoopTargetCountsOncePerCall) {
    Rig rig;
    rig.probes->track_function("spin", 0x2000);
    const BlockInfo &call = rig.decoder.decode(0x1000, kCall);
    const BlockInfo &loop = rig.decoder.decode(0x2000, kLoop);
    const BlockInfo &ret = rig.decoder.decode(0x2003, kRet);
    const BlockInfo &after = rig.decoder.decode(0x1005, kNop);
    ASSERT_TRUE(call.ends_in_call);
    for (int i = 0; i < 2; ++i) {
        rig.run(call);
        rig.guest.esp_now = 0x7ffc;
        rig.guest.return_address = 0x1005;
        for (int iteration = 0; iteration < 5; ++iteration)
            rig.run(loop);
        rig.run(ret);
        rig.guest.esp_now = 0x8000;
        rig.run(after);
    }
    const std::vector<PathStats> paths = rig.probes->accounting().paths();
    ASSERT_EQ(paths.size(), 1u);
    EXPECT_EQ(paths[0].calls, 2u);
    // Each call: five passes of the two-instruction loop and the ret.
    EXPECT_EQ(paths[0].instructions, 2u * (5 * loop.icount + ret.icount));
    ASSERT_EQ(paths[0].call_sites.size(), 1u);
    EXPECT_EQ(paths[0].call_sites[0].caller, 0x1005u);
}

TEST(PathProbes, AJumpToATrackedEntryIsNoCall) {
    Rig rig;
    rig.probes->track_function("spin", 0x2000);
    const BlockInfo &loop = rig.decoder.decode(0x2000, kLoop);
    rig.run(rig.decoder.decode(0x1000, kNop));
    rig.run(loop);
    rig.run(loop);
    EXPECT_EQ(rig.probes->accounting().open_calls(), 0u);
}

// out dx,al ; inc eax ; inc eax ; inc eax ; out dx,al ; inc eax: a region marked by the two outs
// covers the three incs between them, though all six instructions are one block.
const std::vector<uint8_t> kMarkedIncs = {0xee, 0x40, 0x40, 0x40, 0xee, 0x40};

TEST(PathProbes, ARegionIsMeasuredBetweenItsMarkersInsideOneBlock) {
    Rig rig;
    const BlockInfo &block = rig.decoder.decode(0x1000, kMarkedIncs);
    ASSERT_EQ(block.port_io.size(), 2u);
    rig.run(block);
    rig.probes->on_port_access();
    rig.probes->region_begin("incs");
    rig.probes->on_port_access();
    EXPECT_TRUE(rig.probes->region_end("incs"));
    EXPECT_FALSE(rig.probes->region_end("incs"));   // no longer open
    EXPECT_FALSE(rig.probes->region_fail("never-begun"));
    const std::vector<PathStats> regions = rig.probes->accounting().regions();
    ASSERT_EQ(regions.size(), 1u);
    EXPECT_EQ(regions[0].calls, 1u);
    EXPECT_EQ(regions[0].instructions, 3u);
    const uint64_t incs = block.port_io[1].cycles_before - block.port_io[0].cycles_before - block.port_io[0].own_cycles;
    EXPECT_GT(incs, 0u);
    EXPECT_EQ(regions[0].cycles.total, incs);
}

} // namespace
} // namespace ia32emu
