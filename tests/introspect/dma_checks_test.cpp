// The DMA checker driven with synthetic calls and transfers, no guest: paging is off, so a
// "virtual" address is its physical one, and allocations are declared as a kernel would make them.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "emu/introspect/dma_api.h"
#include "emu/introspect/dma_checks.h"

namespace ia32emu {
namespace {

struct FlatGuest : GuestView {
    std::vector<uint8_t> ram = std::vector<uint8_t>(1 << 22);
    uint32_t esp() const override { return 0; }
    uint32_t eip() const override { return 0; }
    uint32_t eax() const override { return 0; }
    bool read_virtual(uint32_t va, void *out, size_t len) const override {
        if (uint64_t(va) + len > ram.size())
            return false;
        std::memcpy(out, ram.data() + va, len);
        return true;
    }
    PagingRegs paging() const override { return {}; }
};

constexpr uint32_t kDriver = 0xc0101000;   // the driver code that calls the API

class DmaChecksTest : public ::testing::Test {
protected:
    FlatGuest guest;
    GuestMemory memory{guest, PhysView{guest.ram.data(), guest.ram.size()}};
    AllocationTracker allocations{memory, [](uint32_t) { return std::string("driver_fn"); }};
    DmaChecks checks{allocations, [](uint32_t) { return std::string("driver_fn"); }};

    void SetUp() override {
        allocations.set_free_listener([this](const Allocation &a) { checks.on_allocation_freed(a); });
        checks.set_backtrace([] { return std::vector<uint32_t>{kDriver + 0x40, kDriver}; });
    }

    // A careful driver checks every result with dma_mapping_error(); `checked` false forgets to.
    void map(uint32_t va, uint32_t size, DmaDirection dir, DmaCallClass call = DmaCallClass::Single,
             bool checked = true) {
        DmaMapRequest r;
        r.call = call;
        r.api = call == DmaCallClass::Sg ? "dma_map_sg" : "dma_map_single";
        r.caller = kDriver;
        r.va = va;
        r.extents = memory.extents(va, size);
        r.size = size;
        r.dir = dir;
        r.bus = va;
        r.sg_list = call == DmaCallClass::Sg ? 0x9000 : 0;
        r.sg_nents = call == DmaCallClass::Sg ? 1 : 0;
        checks.on_map(r);
        if (checked)
            checks.on_mapping_error_checked(va);
    }
    void unmap(uint32_t bus, uint32_t size, DmaDirection dir) {
        DmaUnmapRequest r;
        r.api = "dma_unmap_single";
        r.caller = kDriver;
        r.bus = bus;
        r.size = size;
        r.dir = dir;
        checks.on_unmap(r);
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const DmaFinding &f : checks.findings())
            out.push_back(f.name);
        return out;
    }
};

using Names = std::vector<std::string>;

TEST_F(DmaChecksTest, ATransferInsideALiveMappingIsAllowedAndLeavesNoFinding) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::FromDevice);
    EXPECT_TRUE(checks.check(0x100000, 512, true).allowed);
    unmap(0x100000, 512, DmaDirection::FromDevice);
    checks.finish();
    EXPECT_TRUE(checks.findings().empty());
}

TEST_F(DmaChecksTest, AnOverrunThatStartsInsideAMappingSaysByHowMuch) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::FromDevice);
    DmaVerdict v = checks.check(0x100000, 2048, true);
    EXPECT_FALSE(v.allowed);
    EXPECT_EQ(v.rule, "mapping_overrun");
    EXPECT_NE(v.detail.find("runs 1536 bytes past its end"), std::string::npos) << v.detail;
    EXPECT_EQ(checks.check(0x200000, 16, true).rule, "no_live_mapping");
}

TEST_F(DmaChecksTest, TheDeviceMayNotWriteAToDeviceMappingNorReadAFromDeviceOne) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 4096);
    allocations.on_alloc("kmalloc", kDriver, 0x101000, 4096);
    map(0x100000, 4096, DmaDirection::ToDevice);
    map(0x101000, 4096, DmaDirection::FromDevice);
    EXPECT_EQ(checks.check(0x100000, 64, true).rule, "wrong_direction");
    EXPECT_TRUE(checks.check(0x100000, 64, false).allowed);
    EXPECT_EQ(checks.check(0x101000, 64, false).rule, "wrong_direction");
    EXPECT_TRUE(checks.check(0x101000, 64, true).allowed);
}

TEST_F(DmaChecksTest, FreeingWhileMappedIsAMisuseAndALateTransferHitsFreedMemory) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::FromDevice);
    checks.set_current_caller(kDriver + 8);
    allocations.on_free(0x100000);
    ASSERT_EQ(names(), Names{"freed_while_mapped"});
    const DmaFinding &f = checks.findings()[0];
    EXPECT_EQ(f.eip, kDriver + 8);
    ASSERT_EQ(f.owners.size(), 1u);
    EXPECT_EQ(f.owners[0].allocator, "kmalloc");
    EXPECT_TRUE(f.owners[0].freed);
    ASSERT_TRUE(f.mapping);
    EXPECT_EQ(f.mapping->api, "dma_map_single");
    EXPECT_EQ(f.backtrace, (std::vector<uint32_t>{kDriver + 0x40, kDriver}));
    EXPECT_EQ(checks.check(0x100000, 512, true).rule, "freed_memory");
}

TEST_F(DmaChecksTest, AnSgEntryLongerThanItsPageSpansAnotherOwnersFrame) {
    allocations.on_alloc_pages(kDriver, 0x100, 0);     // the driver's page
    allocations.on_alloc_pages(kDriver + 4, 0x101, 0); // its neighbour, someone else's
    map(0x100000, 8192, DmaDirection::FromDevice, DmaCallClass::Sg);
    ASSERT_EQ(names(), Names{"map_spans_foreign_frames"});
    EXPECT_EQ(checks.findings()[0].owners.size(), 2u);
    EXPECT_TRUE(checks.check(0x100000, 4096, true).allowed);
    DmaVerdict v = checks.check(0x101000, 4096, true);
    EXPECT_EQ(v.rule, "foreign_frame");
}

TEST_F(DmaChecksTest, UnmapChecksFollowLinuxDmaDebug) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    unmap(0x100000, 256, DmaDirection::FromDevice);
    unmap(0x100000, 512, DmaDirection::ToDevice);
    unmap(0x300000, 64, DmaDirection::ToDevice);
    unmap(0xFFFFFFFF, 64, DmaDirection::ToDevice);
    EXPECT_EQ(names(), (Names{"unmap_size_mismatch", "unmap_direction_mismatch", "double_unmap",
                              "unmap_never_mapped", "unmap_invalid_address"}));
}

TEST_F(DmaChecksTest, UnmappingWithTheWrongFunctionIsNamed) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    DmaUnmapRequest r;
    r.call = DmaCallClass::Coherent;
    r.api = "dma_free_coherent";
    r.bus = 0x100000;
    r.size = 512;
    r.va = 0x100000;
    checks.on_unmap(r);
    EXPECT_EQ(names(), Names{"unmap_wrong_function"});
    EXPECT_TRUE(checks.live().empty());
}

TEST_F(DmaChecksTest, SyncChecksRangeDirectionAndKnownMapping) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 1024, DmaDirection::ToDevice, true);
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x100000, 512, DmaDirection::FromDevice, false);
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x500000, 16, DmaDirection::ToDevice, true);
    EXPECT_EQ(names(), (Names{"sync_out_of_range", "sync_direction_mismatch", "sync_never_mapped"}));
}

// Linux's check_sync: syncing in the mapping's own direction is always allowed (a transmit
// buffer taken back for the CPU, refilled and synced for the device again); a sync that would
// make the CPU read what a read-only device wrote, or hand write-only memory to a reading device,
// is named on top of the direction mismatch.
TEST_F(DmaChecksTest, SyncInTheMappingsOwnDirectionIsAllowedEitherWay) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    allocations.on_alloc("kmalloc", kDriver, 0x200000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    map(0x200000, 512, DmaDirection::FromDevice);
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 512, DmaDirection::ToDevice, true);
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x100000, 512, DmaDirection::ToDevice, false);
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x200000, 512, DmaDirection::FromDevice, true);
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x200000, 512, DmaDirection::FromDevice, false);
    EXPECT_TRUE(names().empty()) << names().front();
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 512, DmaDirection::FromDevice, true);
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x200000, 512, DmaDirection::ToDevice, false);
    EXPECT_EQ(names(), (Names{"sync_direction_mismatch", "sync_wrong_direction", "sync_direction_mismatch",
                              "sync_wrong_direction"}));
}

TEST_F(DmaChecksTest, AnSgListSyncedWithAnotherCountIsNamedOnceAndOnlyMappedEntriesAreSynced) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 4096);
    allocations.on_alloc("kmalloc", kDriver, 0x200000, 4096);
    for (uint32_t pa : {0x100000u, 0x200000u}) {
        DmaMapRequest r;
        r.call = DmaCallClass::Sg;
        r.api = "dma_map_sg";
        r.caller = kDriver;
        r.extents = memory.extents(pa, 4096);
        r.size = 4096;
        r.dir = DmaDirection::FromDevice;
        r.bus = pa;
        r.sg_list = 0x9000;
        r.sg_nents = 2;
        r.sg_mapped = 2;
        checks.on_map(r);
    }
    // A third entry past the mapped ones holds garbage: it is not synced, as in Linux.
    std::vector<std::pair<uint64_t, uint64_t>> entries{{0x100000, 4096}, {0x200000, 4096}, {0x700000, 64}};
    checks.on_sync_sg("dma_sync_sg_for_cpu", kDriver, 0x9000, 2, entries, DmaDirection::FromDevice, true);
    EXPECT_TRUE(names().empty()) << names().front();
    checks.on_sync_sg("dma_sync_sg_for_cpu", kDriver, 0x9000, 3, entries, DmaDirection::FromDevice, true);
    EXPECT_EQ(names(), Names{"sync_sg_nents_mismatch"});
    EXPECT_EQ(checks.findings()[0].mapping->sg_nents, 2);
}

TEST_F(DmaChecksTest, AnSgEntryUnmappedAsSingleIsTheWrongFunctionAndASingleUnmappedAsSgToo) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    allocations.on_alloc("kmalloc", kDriver, 0x200000, 512);
    map(0x100000, 512, DmaDirection::FromDevice, DmaCallClass::Sg);
    map(0x200000, 512, DmaDirection::FromDevice);
    unmap(0x100000, 512, DmaDirection::FromDevice);
    DmaUnmapRequest r;
    r.call = DmaCallClass::Sg;
    r.api = "dma_unmap_sg";
    r.bus = 0x200000;
    r.size = 512;
    r.dir = DmaDirection::FromDevice;
    r.sg_list = 0xA000;
    r.sg_nents = 1;
    checks.on_unmap(r);
    EXPECT_EQ(names(), (Names{"unmap_wrong_function", "unmap_wrong_function"}));
    EXPECT_TRUE(checks.live().empty());
}

// A buffer mapped twice (once per direction, say) is two mappings: each unmap ends the one that
// fits it, and the other stays live.
TEST_F(DmaChecksTest, AnUnmapEndsOneOfTwoMappingsOfTheSameAddressTheOneThatFits) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    map(0x100000, 256, DmaDirection::ToDevice);
    unmap(0x100000, 256, DmaDirection::ToDevice);
    ASSERT_EQ(checks.live().size(), 1u);
    EXPECT_EQ(checks.live().begin()->second.len, 512u);
    unmap(0x100000, 512, DmaDirection::ToDevice);
    EXPECT_TRUE(checks.live().empty());
    EXPECT_TRUE(names().empty()) << names().front();
}

// Linux's active-cacheline tracking: two mappings the device may write must not share a line.
TEST_F(DmaChecksTest, MappingsTheDeviceWritesMayNotShareACacheline) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 128);
    map(0x100000, 16, DmaDirection::FromDevice);
    map(0x100010, 48, DmaDirection::FromDevice);   // same line, starting further in
    map(0x100040, 64, DmaDirection::FromDevice);   // the next line: no overlap
    EXPECT_EQ(names(), Names{"overlapping_cacheline"});
    const DmaFinding &f = checks.findings()[0];
    EXPECT_EQ(f.bus, 0x100010u);
    EXPECT_NE(f.detail.find("cacheline 0x100000"), std::string::npos) << f.detail;
    EXPECT_NE(f.detail.find("mapping 1 "), std::string::npos) << f.detail;
    ASSERT_FALSE(f.owners.empty());
    EXPECT_EQ(f.owners[0].allocator, "kmalloc");
}

TEST_F(DmaChecksTest, ADeviceReadOnlyMappingMayShareACachelineAndUnmappingEndsTheOverlap) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 128);
    map(0x100000, 32, DmaDirection::ToDevice);
    map(0x100000, 32, DmaDirection::ToDevice);
    map(0x100020, 32, DmaDirection::FromDevice);
    unmap(0x100020, 32, DmaDirection::FromDevice);
    map(0x100020, 32, DmaDirection::Bidirectional);
    EXPECT_TRUE(names().empty()) << names().front();
}

// Linux tracks coherent buffers' cachelines too: streaming-mapping a coherent buffer's memory is
// an overlap.
TEST_F(DmaChecksTest, AStreamingMappingOverACoherentBufferOverlapsIt) {
    DmaMapRequest r;
    r.call = DmaCallClass::Coherent;
    r.api = "dma_alloc_coherent";
    r.caller = kDriver;
    r.va = 0x100000;
    r.extents = memory.extents(0x100000, 4096);
    r.size = 4096;
    r.bus = 0x100000;
    checks.on_map(r);
    map(0x100800, 64, DmaDirection::FromDevice);
    EXPECT_EQ(names(), Names{"overlapping_cacheline"});
    EXPECT_NE(checks.findings()[0].detail.find("dma_alloc_coherent"), std::string::npos) << checks.findings()[0].detail;
}

TEST_F(DmaChecksTest, TheNinthLiveMappingOfALineSaysMappingsLeak) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    for (int i = 0; i < 10; ++i)
        map(0x100000, 512, DmaDirection::FromDevice);
    Names expected(9, "overlapping_cacheline");
    expected.insert(expected.begin() + 8, "cacheline_overlap_limit");
    EXPECT_EQ(names(), expected);
}

TEST_F(DmaChecksTest, AnUncheckedMappingErrorIsReportedAtUnmap) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice, DmaCallClass::Single, false);
    unmap(0x100000, 512, DmaDirection::ToDevice);
    EXPECT_EQ(names(), Names{"mapping_error_not_checked"});
    map(0x100000, 512, DmaDirection::ToDevice);
    checks.on_mapping_error_checked(0x100000);
    unmap(0x100000, 512, DmaDirection::ToDevice);
    EXPECT_EQ(names().size(), 1u);
}

TEST_F(DmaChecksTest, TheCpuTouchingADeviceOwnedBufferIsFlaggedUntilSyncForCpu) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::FromDevice);
    EXPECT_TRUE(checks.cpu_watched(0x100));
    checks.on_cpu_access(0x100010, 4, false, kDriver + 12);
    checks.on_cpu_access(0x100014, 4, false, kDriver + 12);   // same loop, same bug
    EXPECT_EQ(names(), Names{"cpu_access_while_device_owned"});
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 512, DmaDirection::FromDevice, true);
    EXPECT_FALSE(checks.cpu_watched(0x100));
}

// The engine watches exactly the frames the device owns: it hears each frame join and leave.
TEST_F(DmaChecksTest, TheWatchListenerFollowsDeviceOwnedFrames) {
    std::map<uint64_t, bool> watched;
    checks.set_watch_listener([&](uint64_t pfn, bool on) {
        EXPECT_NE(watched[pfn], on) << "frame " << pfn << " told twice";
        watched[pfn] = on;
    });
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 8192);
    map(0x100000, 8192, DmaDirection::Bidirectional);
    map(0x102000, 64, DmaDirection::ToDevice);   // the device only reads it: the CPU may touch it
    EXPECT_EQ(watched, (std::map<uint64_t, bool>{{0x100, true}, {0x101, true}}));
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 8192, DmaDirection::Bidirectional, true);
    EXPECT_EQ(watched, (std::map<uint64_t, bool>{{0x100, false}, {0x101, false}}));
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x100000, 8192, DmaDirection::Bidirectional, false);
    EXPECT_TRUE(watched[0x100] && watched[0x101]);
    // A second episode of the same misuse is a second finding.
    checks.on_cpu_access(0x100010, 4, false, kDriver + 12);
    checks.on_sync("dma_sync_single_for_cpu", kDriver, 0x100000, 8192, DmaDirection::Bidirectional, true);
    checks.on_sync("dma_sync_single_for_device", kDriver, 0x100000, 8192, DmaDirection::Bidirectional, false);
    checks.on_cpu_access(0x100010, 4, true, kDriver + 12);
    EXPECT_EQ(names(), (Names{"cpu_access_while_device_owned", "cpu_access_while_device_owned"}));
    unmap(0x100000, 8192, DmaDirection::Bidirectional);
    EXPECT_FALSE(watched[0x100] || watched[0x101]);
}

// A driver leaking mappings in a loop: the table stops growing, the rest is counted, and the
// checks that would need the untracked mappings stand down instead of crying wolf.
TEST_F(DmaChecksTest, LiveMappingsAreCappedWithoutFalseAlarms) {
    const size_t extra = 10;
    for (size_t i = 0; i < DmaChecks::kMaxLiveMappings + extra; ++i)
        map(0x100000 + uint32_t(i % 1024) * 64, 64, DmaDirection::ToDevice);
    EXPECT_EQ(checks.live().size(), DmaChecks::kMaxLiveMappings);
    EXPECT_EQ(checks.untracked_mappings(), extra);
    EXPECT_TRUE(checks.check(0x300000, 64, false).allowed) << "it may lie in an untracked mapping";
    unmap(0x300000, 64, DmaDirection::ToDevice);
    EXPECT_TRUE(names().empty());
}

TEST_F(DmaChecksTest, MappingsLiveAtTheEndAreLeaksWithTheirOwners) {
    allocations.on_alloc("kmalloc", kDriver, 0x100000, 512);
    map(0x100000, 512, DmaDirection::ToDevice);
    checks.finish();
    ASSERT_EQ(names(), Names{"leaked_mapping"});
    EXPECT_EQ(checks.findings()[0].owners.at(0).allocator, "kmalloc");
}

TEST_F(DmaChecksTest, FindingsAreCappedPerNameAndTheRestCounted) {
    for (int i = 0; i < 100; ++i)
        unmap(0x300000 + 64 * i, 64, DmaDirection::ToDevice);
    EXPECT_EQ(checks.findings().size(), DmaChecks::kMaxFindingsPerName);
    EXPECT_EQ(checks.dropped().at("unmap_never_mapped"), 100 - DmaChecks::kMaxFindingsPerName);
}

TEST_F(DmaChecksTest, AHugeRangeGivesAShortDetail) {
    checks.on_device_rejection("no_live_mapping", 0, 0xFFFFFFFFull, 0, checks.check(0, 0xFFFFFFFFull, true).detail);
    ASSERT_EQ(checks.findings().size(), 1u);
    EXPECT_LE(checks.findings()[0].detail.size(), 480u);
}

TEST_F(DmaChecksTest, WithoutADmaApiOnlyOwnershipIsChecked) {
    DmaCheckScope scope;
    scope.mappings = false;
    checks.set_scope(scope);
    EXPECT_TRUE(checks.check(0x200000, 4096, true).allowed) << "memory no allocator handed out";
    allocations.on_alloc_pages(kDriver, 0x100, 0);
    allocations.on_alloc_pages(kDriver + 4, 0x101, 0);
    EXPECT_TRUE(checks.check(0x100000, 4096, true).allowed);
    EXPECT_EQ(checks.check(0x100800, 4096, true).rule, "foreign_frame");
}

// Linux's check_sg_segment: an entry longer than the device's segments, or across its boundary.
TEST_F(DmaChecksTest, SgSegmentsAreCheckedAgainstTheDevicesLimits) {
    allocations.on_alloc_pages(kDriver, 0x100, 5);   // 128 KiB from 0x100000
    auto sg_entry = [&](uint64_t bus, uint64_t len) {
        DmaMapRequest r;
        r.call = DmaCallClass::Sg;
        r.api = "dma_map_sg";
        r.caller = kDriver;
        r.extents = {PhysExtent{bus, len}};
        r.size = len;
        r.dir = DmaDirection::FromDevice;
        r.bus = bus;
        r.sg_list = 0x9000;
        r.sg_nents = 1;
        r.max_segment = 4096;
        r.segment_boundary = 0xffff;
        checks.on_map(r);
    };
    sg_entry(0x100000, 4096);
    sg_entry(0x101000, 4096 - 16);
    EXPECT_TRUE(names().empty());
    sg_entry(0x102000, 8192);
    EXPECT_EQ(names(), Names{"sg_segment_too_long"});
    sg_entry(0x10f800, 4096);   // 0x10f800..0x1107ff crosses 0x110000
    EXPECT_EQ(names(), (Names{"sg_segment_too_long", "sg_segment_crosses_boundary"}));
    EXPECT_NE(checks.findings().back().detail.find("0x10000-byte boundary"), std::string::npos)
        << checks.findings().back().detail;
}

// The kernel's code and constants, as its ELF marks them, are no device's to write, with or
// without a DMA API; reading them (a constant table sent to the device) is fine.
TEST_F(DmaChecksTest, ADeviceWriteOverTheKernelsReadOnlyImageIsRefused) {
    checks.set_read_only_image({{0x100000, 0x2000, "program header 0 (R-X)"}});
    for (bool api : {true, false}) {
        DmaCheckScope scope;
        scope.mappings = api;
        checks.set_scope(scope);
        DmaVerdict v = checks.check(0x101ff0, 0x20, true);
        EXPECT_FALSE(v.allowed);
        EXPECT_EQ(v.rule, "kernel_image_write");
        EXPECT_NE(v.detail.find("0x101ff0 (driver_fn)"), std::string::npos) << v.detail;
        EXPECT_NE(checks.check(0x101ff0, 0x20, false).rule, "kernel_image_write") << "the device only reads it";
    }
    DmaCheckScope off;
    off.mappings = false;
    checks.set_scope(off);
    EXPECT_TRUE(checks.check(0x102000, 0x1000, true).allowed) << "the page after the image";
    EXPECT_TRUE(checks.check(0x100000, 0x1000, false).allowed);
}

TEST(DmaApiDescription, DescribesLinux61WithRegparmArguments) {
    const char *linux61 = R"(
map_page dma_map_page_attrs dev=eax page=edx offset=ecx size=stack0 dir=stack1
unmap_page dma_unmap_page_attrs dev=eax bus=edx size=ecx dir=stack0
map_sg dma_map_sg_attrs dev=eax sg=edx nents=ecx dir=stack0
unmap_sg dma_unmap_sg_attrs dev=eax sg=edx nents=ecx dir=stack0
alloc_coherent dma_alloc_attrs dev=eax size=edx handle=ecx
free_coherent dma_free_attrs dev=eax size=edx va=ecx bus=stack0
sync_single_for_cpu dma_sync_single_for_cpu dev=eax bus=edx size=ecx dir=stack0
sg_layout entry=20 page_link=0 offset=4 length=8 dma_address=12 dma_length=16
area text _text _etext
thread_stack 8192
)";
    DmaApiDescription d = DmaApiDescription::parse(linux61, "linux.txt");
    ASSERT_EQ(d.functions.size(), 7u);
    EXPECT_EQ(d.functions[0].role, DmaRole::MapPage);
    EXPECT_EQ(d.functions[0].args.at("page").kind, ArgLocation::Kind::Edx);
    EXPECT_EQ(d.functions[0].args.at("dir").index, 1u);
    EXPECT_EQ(d.thread_stack, 8192u);
}

TEST(DmaApiDescription, DeviceLayoutSaysWhereTheSegmentLimitsAre) {
    DmaApiDescription d = DmaApiDescription::parse(
        "map_sg dma_map_sg_attrs dev=eax sg=edx nents=ecx dir=stack0\n"
        "device_layout dma_parms=284 max_segment_size=0 segment_boundary_mask=8\n",
        "linux.txt");
    EXPECT_TRUE(d.device.known);
    EXPECT_EQ(d.device.dma_parms, 284u);
    EXPECT_EQ(d.device.segment_boundary_mask, 8u);
    EXPECT_TRUE(DmaApiDescription::builtin().device.known);
    EXPECT_FALSE(DmaApiDescription::parse("map_sg f sg=stack1 nents=stack2 dir=stack3\n", "x").device.known);
    EXPECT_THROW(DmaApiDescription::parse("map_sg f sg=stack1 nents=stack2 dir=stack3\ndevice_layout dma_parm=4\n", "x"),
                 DmaApiError);
}

TEST(DmaApiDescription, ABadLineIsNamedWithItsNumber) {
    try {
        DmaApiDescription::parse("map_single f va=stack1 size=stack2 dir=stack3\nunmap_single g bus=esi size=stack2 dir=stack3\n",
                                 "x.txt");
        FAIL() << "accepted a register i386 regparm does not use";
    } catch (const DmaApiError &e) {
        EXPECT_STREQ(e.what(), "--dma-api x.txt:2: location 'esi' is not eax, edx, ecx or stackN");
    }
    EXPECT_THROW(DmaApiDescription::parse("map_single f va=stack1\n", "x"), DmaApiError);
    EXPECT_THROW(DmaApiDescription::parse("# nothing\n", "x"), DmaApiError);
    EXPECT_NO_THROW(DmaApiDescription::builtin());
}

} // namespace
} // namespace ia32emu
