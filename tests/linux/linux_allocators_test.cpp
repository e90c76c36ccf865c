// The seeds' allocator claims on Linux's own allocators: Debian's kernel loads the alloc_bench
// module (tests/linux/modules/alloc_bench, built by kbuild against Debian's headers), which runs
// our bench scenario's cells on kmalloc, __get_free_pages and vmalloc with the same region markers.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/linux/debian_kernel.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

// The full timing model is what measures. The host unpacks the kernel (--linux-decompress host)
// and cryptomgr.notests skips the crypto self-tests, which spares the model 2.3e9 instructions of
// the XZ decompressor and 3.7e9 of known-answer tests (the README's "Where the boot's
// instructions go"): 0.7e9 instructions to init instead of 6.7e9. init_on_alloc=0
// because Debian zeroes every allocation by default and our kernel does not: the cells then
// compare the allocators, not memset.
TEST_F(DebianLinux, AllocBenchModuleShowsKmallocCheaperThanVmallocAndVmallocTlbMisses) {
    const DebianKernel *kernel = &*kernel_;
    ModuleInitrd modules = linux_modules_initrd({"alloc_bench"});
    ASSERT_TRUE(modules.failure.empty()) << modules.failure;
    if (!modules.initrd)
        GTEST_SKIP() << modules.skip;

    ScratchDir dir;
    auto report_file = dir.file("report.json");
    auto run = run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", modules.initrd->string(), "--cmdline",
                                 std::string(kLinuxCmdline) + " cryptomgr.notests init_on_alloc=0 alloc_bench.reps=8", "--symbols",
                                 kernel->system_map.string(), "--report", report_file.string(), "--linux-decompress", "host",
                                 "--timeout", "840"},
                                std::chrono::seconds(850));
    ASSERT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.out;
    // Loaded by /init, the module ran every cell without a failed allocation.
    EXPECT_NE(run.out.find("alloc_bench: reps=8"), std::string::npos) << run.out;
    for (const char *cell : {"kmalloc/32", "kmalloc/4194304", "get_free_pages/4194304", "vmalloc/4194304"})
        EXPECT_NE(run.out.find(std::string("alloc_bench: ") + cell + " x8 ok"), std::string::npos) << cell << "\n" << run.out;
    EXPECT_NE(run.out.find("alloc_bench: touch:vmalloc/4M x32 ok"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("Kernel panic"), std::string::npos) << run.out;

    std::ifstream in(report_file);
    ASSERT_TRUE(in) << run.describe();
    auto report = nlohmann::json::parse(in);
    // Linux invalidates what it must: the MMU checks have nothing to report on its boot (a freed
    // and reused page directory once gave three false stale_tlb faults).
    for (const auto &fault : report["faults"])
        EXPECT_NE(fault["kind"], "stale_tlb") << fault.dump();
    const auto &regions = report["regions"];
    auto p50 = [&](const std::string &name) -> uint64_t {
        const nlohmann::json *r = report_entry(regions, name);
        EXPECT_NE(r, nullptr) << name;
        return r ? (*r)["cycles"]["p50"].get<uint64_t>() : 0;
    };
    // Every cell ran its 8 repetitions as regions, none failed.
    for (const char *cell : {"kmalloc/32:alloc", "get_free_pages/65536:alloc", "vmalloc/4194304:free"}) {
        const nlohmann::json *r = report_entry(regions, cell);
        ASSERT_NE(r, nullptr) << cell;
        EXPECT_EQ((*r)["calls"], 8u) << cell;
        EXPECT_EQ((*r)["failures"], 0u) << cell;
    }
    // Small allocations: the slab beats vmalloc, which takes a vmap area, a page and a mapping.
    EXPECT_LT(2 * p50("kmalloc/32:alloc"), p50("vmalloc/32:alloc"));
    EXPECT_LT(2 * p50("kmalloc/32:free"), p50("vmalloc/32:free"));
    // Whole pages: the buddy allocator beats vmalloc, more so as vmalloc maps page by page.
    EXPECT_LT(2 * p50("get_free_pages/4096:alloc"), p50("vmalloc/4096:alloc"));
    EXPECT_LT(3 * p50("get_free_pages/65536:alloc"), p50("vmalloc/65536:alloc"));
    // vmalloc memory is reached through 4 KiB pages: a pass over 4 MiB misses the DTLB once per
    // page, the direct map's large pages almost never.
    const nlohmann::json *vm = report_entry(regions, "touch:vmalloc/4M");
    const nlohmann::json *direct = report_entry(regions, "touch:direct/4M");
    ASSERT_NE(vm, nullptr);
    ASSERT_NE(direct, nullptr);
    EXPECT_GE((*vm)["per_call"]["dtlb_misses"].get<double>(), 1000.0) << vm->dump(2);
    EXPECT_LT((*direct)["per_call"]["dtlb_misses"].get<double>(), 64.0) << direct->dump(2);

    // Linux's allocators are tracked paths by symbol, their calls from the module among them.
    const nlohmann::json *vmalloc_path = report_entry(report["paths"], "vmalloc");
    ASSERT_NE(vmalloc_path, nullptr);
    EXPECT_GE((*vmalloc_path)["calls"].get<uint64_t>(), 18u * 8u + 1u);
    // Each call is named where it came from, in the module's own functions.
    const auto &sites = (*vmalloc_path)["call_sites"];
    ASSERT_FALSE(sites.empty());
    const std::string top = sites[0]["symbol"];
    EXPECT_TRUE(top.ends_with(" [alloc_bench]")) << sites.dump(2);
    EXPECT_EQ(sites[0]["calls"], 18u * 8u) << sites.dump(2);
}

} // namespace
} // namespace ia32emu::test
