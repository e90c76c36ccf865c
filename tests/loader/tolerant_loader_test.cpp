// Kernels linked the way tutorials link them boot as under `qemu-system-i386 -kernel`; what our
// firmware would refuse is refused by the host first: status 2, one line on stderr, nothing run.
#include <gtest/gtest.h>

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "emu/engine/run_outcome.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

std::string read_file(const std::filesystem::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + p.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path aout_kernel() { return build_dir() / "tests" / "guests" / "aout_kludge.bin"; }

class TolerantLoaderTest : public GuestTest {
protected:
    void expect_refused(const std::filesystem::path &kernel, const std::vector<std::string> &problems,
                        const std::string &cmdline = "", std::vector<std::string> extra = {}) {
        auto r = boot_kernel(kernel, cmdline, std::move(extra));
        EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
        EXPECT_EQ(r.out, "") << "the firmware must not have run";
        auto lines = r.err_lines();
        ASSERT_EQ(lines.size(), 1u) << "stderr: " << r.err;
        for (const std::string &p : problems)
            EXPECT_NE(lines[0].find(p), std::string::npos) << "expected '" << p << "' in: " << lines[0];
    }

    // The kludge header is the first thing in the flat binary: patch one of its address words.
    std::filesystem::path aout_with(unsigned word, uint32_t value, const char *name) {
        std::string bytes = read_file(aout_kernel());
        std::memcpy(bytes.data() + 4 * word, &value, sizeof value);
        return dir_.write(name, bytes);
    }
    uint32_t aout_word(unsigned word) {
        std::string bytes = read_file(aout_kernel());
        uint32_t v;
        std::memcpy(&v, bytes.data() + 4 * word, sizeof v);
        return v;
    }

    ScratchDir dir_;
};

// `ld -m elf_i386 -Ttext 0x100000` without a linker script: binutils adds a read-only segment of
// ELF headers at 0xff000, in the BIOS area. It is left out with a one-line note; the kernel runs.
TEST_F(TolerantLoaderTest, PlainLdKernelBootsWithANoteAboutItsHeaderSegment) {
    auto r = boot_kernel(test_guest("plain_ld"), "exit=17");
    EXPECT_EQ(r.exit_status, 17) << r.describe();
    EXPECT_EQ(r.out, "hello: a third-party Multiboot kernel is running\n");
    auto lines = r.err_lines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find("note: "), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("program header 0"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("0xff000"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("only the ELF headers"), std::string::npos) << lines[0];
}

// A flat binary (objcopy -O binary) has no ELF header; the a.out-kludge fields place it.
TEST_F(TolerantLoaderTest, AoutKludgeFlatBinaryBoots) {
    ASSERT_NE(read_file(aout_kernel()).substr(0, 4), "\x7f" "ELF");
    auto r = boot_kernel(aout_kernel(), "exit=23");
    EXPECT_EQ(r.exit_status, 23) << r.describe();
    EXPECT_EQ(r.out, "hello: a third-party Multiboot kernel is running\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(TolerantLoaderTest, FalseAoutKludgeFieldsAreRefusedByTheHost) {
    const uint32_t load_addr = aout_word(4);
    // header_addr below load_addr
    expect_refused(aout_with(3, load_addr - 16, "header-below-load.bin"), {"inconsistent load_addr", "a.out-kludge"});
    // load_addr so low that the image would start before the file does
    expect_refused(aout_with(4, load_addr - 0x100, "load-before-file.bin"), {"inconsistent load_addr"});
    expect_refused(aout_with(5, load_addr - 4, "load-end-below.bin"), {"load_end_addr", "below load_addr"});
    expect_refused(aout_with(5, load_addr + (64u << 20), "load-past-eof.bin"), {"truncated", "past the end"});
    expect_refused(aout_with(6, load_addr + 8, "bss-below.bin"), {"bss_end_addr", "below the end"});
    // Loaded over the firmware's stack: addresses moved together so the header stays consistent.
    const uint32_t shift = load_addr - 0x90000;
    std::string bytes = read_file(aout_kernel());
    for (unsigned w = 3; w <= 7; ++w) {
        uint32_t v;
        std::memcpy(&v, bytes.data() + 4 * w, 4);
        v -= shift;
        std::memcpy(bytes.data() + 4 * w, &v, 4);
    }
    expect_refused(dir_.write("aout-low.bin", bytes), {"the a.out-kludge image", "firmware's scratch memory"});
}

TEST_F(TolerantLoaderTest, SegmentsOverTheFirmwaresLowAreasAreRefusedWithLinkingAdvice) {
    expect_refused(test_guest("over_handoff"), {"program header 0", "0x4000", "hand-off area", "ld -N", "linker script"});
    expect_refused(test_guest("over_fw_stack"), {"program header 0", "0x90000", "scratch memory and stack"});
}

TEST_F(TolerantLoaderTest, SegmentOutsideRamNamesTheSegmentAndHowToLink) {
    expect_refused(test_guest("outside_ram"), {"program header 0", "0x7ff00000", "outside the board's RAM", "ld -N"});
}

// 65 program headers: the original ones, then PT_NULL entries, in a table appended to the file.
TEST_F(TolerantLoaderTest, MoreThan64ProgramHeadersAreRefusedByTheHost) {
    std::string bytes = read_file(test_guest("hello"));
    Elf32_Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    std::string table = bytes.substr(eh.e_phoff, size_t(eh.e_phnum) * sizeof(Elf32_Phdr));
    table.resize(65 * sizeof(Elf32_Phdr), '\0');
    eh.e_phoff = uint32_t(bytes.size());
    eh.e_phnum = 65;
    std::memcpy(bytes.data(), &eh, sizeof eh);
    expect_refused(dir_.write("many-phdrs.elf", bytes + table), {"65 program headers", "at most 64"});
}

TEST_F(TolerantLoaderTest, CommandLineTooLongForTheFirmwareIsRefused) {
    expect_refused(test_guest("hello"), {"--cmdline", "at most 24575"}, std::string(30000, 'a'));
    // One that fits still boots.
    auto r = boot_kernel(test_guest("hello"), std::string(20000, 'a') + " exit=5");
    EXPECT_EQ(r.exit_status, 5) << r.describe();
}

TEST_F(TolerantLoaderTest, PciHoleTooHighForTheFramebufferBarIsRefused) {
    expect_refused(test_guest("hello"), {"memory.pci_hole_start", "bochs-display BAR0"}, "",
                   {"--set", "memory.pci_hole_start=0xFE000000"});
    auto r = boot_kernel(test_guest("hello"), "exit=4", {"--set", "memory.pci_hole_start=0xFD000000"});
    EXPECT_EQ(r.exit_status, 4) << r.describe();
}

// The Bare Bones kernel used to end with exit 126 at its first store to 0xB8000.
TEST_F(TolerantLoaderTest, VgaTextKernelRunsAndItsScreenIsDumped) {
    const auto dump = dir_.file("screen.txt");
    auto r = boot_kernel(test_guest("vga_barebones"), "exit=0", {"--vga-dump", dump.string()});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    std::string screen = read_file(dump);
    EXPECT_TRUE(screen.starts_with("Colours: yellow on blue.\nline 00 of a scrolling terminal\n")) << screen;
    EXPECT_TRUE(screen.ends_with("line 22 of a scrolling terminal\nThe last line, no newline\n")) << screen;
}

TEST_F(TolerantLoaderTest, UnwritableVgaDumpIsRefusedBeforeTheGuestRuns) {
    expect_refused(test_guest("hello"), {"--vga-dump", "/nonexistent-folder/s.txt"}, "",
                   {"--vga-dump", "/nonexistent-folder/s.txt"});
}

} // namespace
} // namespace ia32emu::test
