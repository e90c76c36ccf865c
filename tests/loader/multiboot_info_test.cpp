// The Multiboot information a kernel receives: QEMU's fields (flags 0x24f: memory, boot device,
// command line, modules, memory map, loader name), modules from --module and --initrd, and
// GRUB's EGA text framebuffer when the header asks for a video mode.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "emu/board/board_config.h"
#include "emu/board/multiboot_modules.h"
#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

class MultibootInfoTest : public QemuTest {
protected:
    std::filesystem::path text_module(const char *name, const std::string &text) { return dir_.write(name, text); }
    ScratchDir dir_;
};

bool is_loader_name_line(std::string_view line) { return line.starts_with("mbinfo: boot loader name "); }

TEST_F(MultibootInfoTest, ModulesFromModuleAndInitrdOptionsMatchQemusInitrd) {
    const auto a = text_module("a.txt", "alpha module\nsecond line\n");
    const auto b = text_module("b,c.txt", std::string(9000, 'x') + "\n");
    const auto c = text_module("c.txt", "gamma\n");
    // Ours: one --module and the rest in QEMU's -initrd form, including a ",," escape.
    auto ours = boot_kernel(test_guest("mbinfo"), "exit=0",
                            {"--module", a.string() + ",arg1 arg2", "--initrd",
                             dir_.file("b,,c.txt").string() + " x=1," + c.string()});
    ASSERT_EQ(ours.exit_status, 0) << ours.describe();
    const std::string initrd = a.string() + " arg1 arg2," + dir_.file("b,,c.txt").string() + " x=1," + c.string();
    auto q = run_qemu(qemu_path_, {.kernel = test_guest("mbinfo"), .append = "exit=0", .extra_args = {"-initrd", initrd}});
    ASSERT_EQ(q.exit_status, qemu_exit_status(0)) << q.describe();

    auto lines = drop_lines(comparable_lines(ours.out), is_loader_name_line);
    EXPECT_EQ(lines, drop_lines(comparable_lines(q.out), is_loader_name_line));
    EXPECT_NE(ours.out.find("mbinfo: flags 0x0000024f\n"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("mbinfo: boot_device 0x8000ffff\n"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("mbinfo: boot loader name 'ia32emu'\n"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("mbinfo: 3 modules\n"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("above the kernel, page-aligned, 25 bytes, sum 0x"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("cmdline '" + a.string() + " arg1 arg2', first line 'alpha module'"), std::string::npos)
        << ours.out;
    EXPECT_NE(ours.out.find("9001 bytes"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("cmdline '" + b.string() + " x=1'"), std::string::npos) << ours.out;
}

TEST_F(MultibootInfoTest, NoModulesStillSaysSoAsQemuDoes) {
    auto ours = boot_kernel(test_guest("mbinfo"), "exit=0");
    auto q = qemu("exit=0", test_guest("mbinfo"));
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    EXPECT_EQ(drop_lines(comparable_lines(ours.out), is_loader_name_line),
              drop_lines(comparable_lines(q.out), is_loader_name_line));
    EXPECT_NE(ours.out.find("mbinfo: 0 modules\n"), std::string::npos) << ours.out;
}

// GRUB, asked for a video mode it leaves in text, reports the EGA text screen (type 2).
TEST_F(MultibootInfoTest, VideoHeaderGetsTheEgaTextFramebuffer) {
    auto r = boot_kernel(test_guest("mbinfo_video"), "exit=0");
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.out.find("mbinfo: flags 0x0000124f\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mbinfo: framebuffer 0x000b8000 pitch 160 80x25 bpp 16 type 2\n"), std::string::npos) << r.out;
}

TEST_F(MultibootInfoTest, BadModulesAreRefusedBeforeTheGuestRuns) {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--module", dir_.file("missing.bin").string()},
             {"--initrd", dir_.file("missing.bin").string() + " a=1"},
             {"--initrd", "a,,"},
         }) {
        auto r = boot_kernel(test_guest("mbinfo"), "", args);
        EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err_lines().size(), 1u) << r.err;
    }
    // 40 MiB of module on a 32 MiB board: it cannot fit, and the line says how to fix it.
    const auto big = dir_.file("big.bin");
    { std::ofstream(big, std::ios::binary).put('x'); }
    std::filesystem::resize_file(big, 40u << 20);
    auto r = boot_kernel(test_guest("mbinfo"), "", {"--module", big.string(), "--set", "memory.ram_size=32MiB"});
    EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
    ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("memory.ram_size"), std::string::npos) << r.err;
}

TEST(MultibootModuleOptions, ParseAsQemuAndGrubSpellThem) {
    ModuleSpec m = parse_module_option("/boot/initrd.img,root=/dev/sda ro");
    EXPECT_EQ(m.file, "/boot/initrd.img");
    EXPECT_EQ(m.cmdline, "/boot/initrd.img root=/dev/sda ro");
    EXPECT_EQ(parse_module_option("plain.bin").cmdline, "plain.bin");
    auto specs = parse_initrd_option("f1 arg,f2,we,,ird name x");
    ASSERT_EQ(specs.size(), 3u);
    EXPECT_EQ(specs[0].file, "f1");
    EXPECT_EQ(specs[0].cmdline, "f1 arg");
    EXPECT_EQ(specs[1].cmdline, "f2");
    EXPECT_EQ(specs[2].file, "we,ird");
    EXPECT_EQ(specs[2].cmdline, "we,ird name x");
    EXPECT_THROW(parse_initrd_option("f1,"), ConfigError);
}

} // namespace
} // namespace ia32emu::test
