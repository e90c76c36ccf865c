// The Linux/x86 32-bit boot protocol, against a minimal bzImage that prints what it was handed
// (tests/guests/bzimage_probe.S): boot_params in ESI, the setup header kept, the loader's fields.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

std::filesystem::path probe() { return build_dir() / "tests" / "guests" / "bzimage_probe.bin"; }

std::string probe_bytes() {
    std::ifstream in(probe(), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(LinuxBootProtocol, KernelGetsBootParamsWithInitrdCommandLineAndMemoryMap) {
    ScratchDir dir;
    auto initrd = dir.write("initrd", "INITRD-BYTES");
    auto run = run_ia32emu_args({"run", probe().string(), "--initrd", initrd.string(), "--cmdline", "console=ttyS0 quiet"});
    ASSERT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.out;
    auto lines = run.out_lines();
    ASSERT_GE(lines.size(), 5u) << run.out;
    // boot_params at 0x10000; 0xff is boot.rst's id for a loader without an assigned one; the
    // header fields the kernel set (code32_start, init_size) come back unchanged.
    EXPECT_EQ(lines[0], "bzimage-probe: esi=00010000 type_of_loader=000000ff code32_start=00100000 init_size=00200000");
    // QEMU's placement: page-aligned, as high as RAM allows. The default board's RAM ends at
    // 0x3ffe0000 (the top 128 KiB are reserved for firmware tables); "INIT" little-endian first.
    EXPECT_EQ(lines[1], "initrd=3ffdf000 size=0000000c first=54494e49");
    // RAM above 1 MiB in KiB: 1 GiB minus 1 MiB minus the 128 KiB reserved at the top.
    EXPECT_EQ(lines[2], "alt_mem_k=000ffb80");
    // The same map the Multiboot kernels and QEMU's SeaBIOS guests see, PCI hole included.
    EXPECT_EQ(lines[3], "e820=00000007 00000000+0009fc00:00000001 0009fc00+00000400:00000002 "
                        "000f0000+00010000:00000002 00100000+3fee0000:00000001 3ffe0000+00020000:00000002 "
                        "e0000000+1ec00000:00000002 fffc0000+00040000:00000002");
    // Linux gets only what the user wrote: no kernel path in front, unlike Multiboot.
    EXPECT_EQ(lines[4], "cmdline=[console=ttyS0 quiet]");
}

TEST(LinuxBootProtocol, WithoutInitrdTheRamdiskFieldsAreZero) {
    auto run = run_ia32emu_args({"run", probe().string()});
    ASSERT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.out;
    auto lines = run.out_lines();
    ASSERT_GE(lines.size(), 5u) << run.out;
    EXPECT_TRUE(lines[1].starts_with("initrd=00000000 size=00000000 ")) << lines[1];
    EXPECT_EQ(lines[4], "cmdline=[]");
}

TEST(LinuxBootProtocol, InitrdFollowsTheBoardsRam) {
    ScratchDir dir;
    auto initrd = dir.write("initrd", std::string(5000, 'x'));
    auto run = run_ia32emu_args({"run", probe().string(), "--initrd", initrd.string(), "--set", "memory.ram_size=256MiB"});
    ASSERT_EQ(run.exit_status, 0) << run.describe() << "\n" << run.out;
    auto lines = run.out_lines();
    ASSERT_GE(lines.size(), 2u) << run.out;
    // (0x0ffe0000 - 5000) rounded down to a page.
    EXPECT_TRUE(lines[1].starts_with("initrd=0ffde000 size=00001388 ")) << lines[1];
}

void expect_refused(const std::vector<std::string> &args, const std::string &needle) {
    auto run = run_ia32emu_args(args);
    EXPECT_EQ(run.exit_status, 2) << run.describe();
    auto err = run.err_lines();
    ASSERT_EQ(err.size(), 1u) << run.err;
    EXPECT_NE(err[0].find(needle), std::string::npos) << err[0];
}

TEST(LinuxBootProtocol, BadInputIsRefusedWithOneLine) {
    ScratchDir dir;
    auto initrd = dir.write("initrd", "x");
    expect_refused({"run", probe().string(), "--initrd", dir.file("missing").string()}, "initrd");
    expect_refused({"run", probe().string(), "--cmdline", std::string(300, 'a')},
                   "this kernel takes at most 255");

    std::string old = probe_bytes();
    ASSERT_GT(old.size(), 0x212u);
    old[0x206] = 0x02;  // protocol 2.02: no cmdline_size, no 32-bit entry contract
    expect_refused({"run", dir.write("old", old).string()}, "boot protocol 2.02; 2.10 or later is required");

    std::string zimage = probe_bytes();
    zimage[0x211] = 0;  // loadflags without LOADED_HIGH
    expect_refused({"run", dir.write("zimage", zimage).string()}, "zImage");

    std::string truncated = probe_bytes().substr(0, 0x300);
    expect_refused({"run", dir.write("truncated", truncated).string()}, "truncated bzImage");

    // The probe carries no compressed kernel; a Multiboot kernel is no bzImage at all.
    expect_refused({"run", probe().string(), "--linux-decompress", "host"},
                   "names no payload inside its protected-mode code");
    expect_refused({"run", test_guest("hello").string(), "--linux-decompress", "host"}, "is not a Linux bzImage");
}

TEST(LinuxBootProtocol, SymbolListingsAreCheckedBeforeTheRun) {
    ScratchDir dir;
    auto map = dir.write("System.map", "00100000 T _start\n");
    // A KASLR kernel would not be where the listing says.
    expect_refused({"run", probe().string(), "--symbols", map.string()}, "needs \"nokaslr\"");
    expect_refused({"run", probe().string(), "--cmdline", "nokaslr", "--symbols", dir.file("none").string()},
                   "does not exist");
    auto bad = dir.write("bad.map", "00100000 T _start\nnot a symbol line\n");
    expect_refused({"run", probe().string(), "--cmdline", "nokaslr", "--symbols", bad.string()},
                   "line 2 is not 'ADDRESS TYPE NAME'");
    auto run = run_ia32emu_args({"run", probe().string(), "--cmdline", "nokaslr", "--symbols", map.string(),
                                 "--path", "_start"});
    EXPECT_EQ(run.exit_status, 0) << run.describe();
}

} // namespace
} // namespace ia32emu::test
