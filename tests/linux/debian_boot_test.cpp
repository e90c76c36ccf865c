// Debian 12's own i386 kernel on the board, through the Linux boot protocol.
#include <gtest/gtest.h>

#include <string>

#include "tests/linux/debian_kernel.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

bool contains(const std::string &text, const std::string &needle) { return text.find(needle) != std::string::npos; }

TEST(DebianLinux, KernelSeesTheBoardsMemoryMapCommandLineAndInitrd) {
    if (kSanitized)
        GTEST_SKIP() << "a Linux boot runs billions of instructions; too slow under ASan, run it in the normal build";
    std::string why;
    auto kernel = debian_kernel(why);
    if (!kernel)
        GTEST_SKIP() << why;
    // The decompressor alone runs ~2.2e9 instructions; by 3.5e9 the kernel has set up memory.
    auto run = run_ia32emu_args({"run", kernel->bzimage.string(), "--initrd", kernel->initrd.string(), "--cmdline",
                                 kLinuxCmdline, "--no-timing", "--max-insns", "3500000000"});
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
}

} // namespace
} // namespace ia32emu::test
