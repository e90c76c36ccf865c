// Debian 12's own i386 kernel on the board, through the Linux boot protocol.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/linux/debian_kernel.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

uint64_t path_calls(const nlohmann::json &report, const std::string &name) {
    const nlohmann::json *path = report_entry(report["paths"], name);
    return path ? (*path)["calls"].get<uint64_t>() : 0;
}

// One boot serves every assertion: a Linux boot is the slowest thing the suite runs.
TEST_F(DebianLinux, BootsToItsBusyboxInitWithItsAllocatorsTimedBySymbol) {
    const DebianKernel *kernel = &*kernel_;
    // ~7.2e9 instructions to the init's exit (2.2e9 of them in the XZ decompressor): ~2 minutes
    // alone on the 2-core development machine, several times that when the suite shares it.
    ScratchDir dir;
    auto report_file = dir.file("report.json");
    auto run = run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", kernel->initrd.string(), "--cmdline",
                                 kLinuxCmdline, "--symbols", kernel->system_map.string(), "--report",
                                 report_file.string(), "--no-timing", "--timeout", "840"},
                                std::chrono::seconds(850));
    EXPECT_TRUE(contains(run.out, "Linux version " + kernel->version.substr(0, kernel->version.rfind('-'))))
        << run.describe() << "\n" << run.out;
    // The E820 map reaches the kernel as the firmware's table says (Linux prints it inclusive).
    EXPECT_TRUE(contains(run.out, "BIOS-e820: [mem 0x0000000000100000-0x000000003ffdffff] usable")) << run.out;
    EXPECT_TRUE(contains(run.out, "BIOS-e820: [mem 0x00000000e0000000-0x00000000febfffff] reserved")) << run.out;
    // The same split QEMU's 1 GiB guest reports (docs: platform-facts, "Real Linux for IA-32").
    EXPECT_TRUE(contains(run.out, "875MB LOWMEM available.")) << run.out;
    EXPECT_TRUE(contains(run.out, "147MB HIGHMEM available.")) << run.out;
    EXPECT_TRUE(contains(run.out, std::string("Kernel command line: ") + kLinuxCmdline)) << run.out;
    EXPECT_TRUE(contains(run.out, "RAMDISK: [mem 0x")) << run.out;
    // Interrupts, the idle loop, user mode and system calls work: the initramfs's /init runs and
    // only it ends the run, through /dev/port and the exit port, with status 0.
    EXPECT_FALSE(contains(run.out, "Kernel panic")) << run.out;
    EXPECT_FALSE(contains(run.out, "BUG:")) << run.out;
    EXPECT_TRUE(contains(run.out, "Run /init as init process")) << run.out;
    EXPECT_TRUE(contains(run.out, "ia32emu-init:")) << run.out;
    EXPECT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.err;

    // Linux's own allocators, found through its kallsyms tables, are tracked paths.
    std::ifstream in(report_file);
    ASSERT_TRUE(in) << run.describe();
    auto report = nlohmann::json::parse(in);
    EXPECT_EQ(report["exit"]["reason"], "guest_exit");
    EXPECT_GT(path_calls(report, "kmem_cache_alloc"), 1000u);
    EXPECT_GT(path_calls(report, "__kmalloc"), 100u);
    EXPECT_GT(path_calls(report, "__alloc_pages"), 10u);
}

} // namespace
} // namespace ia32emu::test
