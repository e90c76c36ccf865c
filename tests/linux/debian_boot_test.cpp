// Debian 12's own i386 kernel on the board, through the Linux boot protocol.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

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

// The console with the numbers taken out: timestamps, and what depends on when the kernel reads
// its clocks (the TSC's calibration against the PIT, BogoMIPS, the RTC's second).
std::vector<std::string> console_messages(const std::string &out) {
    static const std::regex numbers("0x[0-9a-f]+|[0-9]+");
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < out.size()) {
        size_t end = out.find('\n', at);
        if (end == std::string::npos)
            end = out.size();
        std::string line = out.substr(at, end - at);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            lines.push_back(std::regex_replace(line, numbers, "#"));
        at = end + 1;
    }
    return lines;
}

uint64_t report_instructions(const std::filesystem::path &file) {
    std::ifstream in(file);
    return in ? nlohmann::json::parse(in)["totals"]["instructions"].get<uint64_t>() : 0;
}

// --linux-decompress host unpacks the payload on the host and enters startup_32 as the kernel's
// own decompressor would: the kernel must print the same messages in the same order, having
// skipped the decompressor's instructions.
TEST_F(DebianLinux, KernelUnpackedByTheHostBootsAsAfterItsOwnDecompressor) {
    const DebianKernel *kernel = &*kernel_;
    ScratchDir dir;
    auto boot = [&](const std::string &how) {
        auto report_file = dir.file(how + ".json");
        auto run = run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", kernel->initrd.string(), "--cmdline",
                                     kLinuxCmdline, "--symbols", kernel->system_map.string(), "--report",
                                     report_file.string(), "--no-timing", "--linux-decompress", how, "--timeout",
                                     "840"},
                                    std::chrono::seconds(850));
        EXPECT_EQ(run.exit_status, 0) << how << ": " << run.describe() << "\n" << run.err;
        EXPECT_TRUE(contains(run.out, "ia32emu-init: done")) << how << ":\n" << run.out;
        return std::pair{console_messages(run.out), report_instructions(report_file)};
    };
    auto [guest_console, guest_instructions] = boot("guest");
    auto [host_console, host_instructions] = boot("host");
    EXPECT_EQ(host_console, guest_console);
    // Debian's XZ decompressor runs ~2.3e9 instructions on this board.
    EXPECT_GT(guest_instructions, host_instructions + 2'000'000'000ull);
}

} // namespace
} // namespace ia32emu::test
