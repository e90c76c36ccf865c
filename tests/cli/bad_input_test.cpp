// Kernel images the board cannot run: each ends with status 2 and one line on stderr naming the problem.
#include <gtest/gtest.h>

#include <elf.h>

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

class CliBadInputTest : public GuestTest {
protected:
    // Bad input: status 2, nothing on stdout (not even from firmware), one stderr line naming
    // the file and containing `problem`.
    void expect_rejected(const std::filesystem::path &kernel, const std::string &problem,
                         std::vector<std::string> extra = {}) {
        auto r = boot_kernel(kernel, "", std::move(extra));
        EXPECT_EQ(r.exit_status, kExitBadInput) << r.describe();
        EXPECT_EQ(r.out, "");
        auto lines = r.err_lines();
        ASSERT_EQ(lines.size(), 1u) << "stderr: " << r.err;
        EXPECT_NE(lines[0].find(problem), std::string::npos) << "expected '" << problem << "' in: " << lines[0];
        EXPECT_NE(lines[0].find(kernel.filename().string()), std::string::npos)
            << "the message does not name the file: " << lines[0];
    }

    ScratchDir dir_;
};

TEST_F(CliBadInputTest, MissingFile) { expect_rejected(dir_.file("nothing-here.elf"), "does not exist"); }

TEST_F(CliBadInputTest, Directory) { expect_rejected(dir_.path(), "directory"); }

TEST_F(CliBadInputTest, EmptyFile) { expect_rejected(dir_.write("empty.elf", ""), "not an ELF file"); }

TEST_F(CliBadInputTest, NotElf) {
    expect_rejected(dir_.write("script.elf", "#!/bin/sh\necho this is not a kernel\n"), "not an ELF file");
}

TEST_F(CliBadInputTest, SixtyFourBitElf) { expect_rejected(test_guest("elf64"), "64-bit"); }

TEST_F(CliBadInputTest, ElfForAnotherMachine) {
    std::string bytes = read_file(test_guest("hello"));
    ASSERT_GE(bytes.size(), sizeof(Elf32_Ehdr));
    const uint16_t arm = EM_ARM;
    bytes.replace(offsetof(Elf32_Ehdr, e_machine), sizeof arm, reinterpret_cast<const char *>(&arm), sizeof arm);
    expect_rejected(dir_.write("arm.elf", bytes), "not an i386 ELF");
}

// Cut inside the ELF header, inside the loadable segment, and inside the section headers at the end.
TEST_F(CliBadInputTest, TruncatedElf) {
    const std::string ours = read_file(our_kernel());
    const std::string hello = read_file(test_guest("hello"));
    expect_rejected(dir_.write("header-cut.elf", hello.substr(0, 40)), "truncated");
    expect_rejected(dir_.write("half-kernel.elf", ours.substr(0, ours.size() / 2)), "truncated");
    expect_rejected(dir_.write("tail-cut.elf", hello.substr(0, hello.size() - 10)), "truncated");
}

TEST_F(CliBadInputTest, NoMultibootHeader) { expect_rejected(test_guest("no_multiboot"), "no Multiboot"); }

TEST_F(CliBadInputTest, SegmentOutsideRam) { expect_rejected(test_guest("outside_ram"), "outside the board's RAM"); }

} // namespace
} // namespace ia32emu::test
