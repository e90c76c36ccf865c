// Boot through firmware to our kernel's banner, to a third-party Multiboot kernel, and to a scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "devices/abi/exit_port.h"
#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

bool has_line(const std::vector<std::string> &lines, const std::string &wanted) {
    return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

class BootTest : public GuestTest {};

TEST_F(BootTest, OurKernelReachesTheBannerAndExitsZero) {
    auto run = boot("");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
    auto lines = run.out_lines();
    EXPECT_TRUE(has_line(lines, "ia32emu guest kernel: booted")) << run.out;
    EXPECT_EQ(run.err, "");
}

TEST_F(BootTest, MemoryManagerLineHasTheDocumentedFormat) {
    auto run = boot("");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe();
    auto lines = run.out_lines();
    auto mm = std::find_if(lines.begin(), lines.end(), [](const std::string &l) { return l.starts_with("mm: "); });
    ASSERT_NE(mm, lines.end()) << run.out;
    static const std::regex format(
        R"(mm: ram=(\d+) lowmem=(\d+) highmem=(\d+) high_memory=0x([0-9a-f]{8}) vmalloc=0x([0-9a-f]{8})-0x([0-9a-f]{8}))");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(*mm, m, format)) << *mm;
    const uint64_t ram = std::stoull(m[1]), lowmem = std::stoull(m[2]), highmem = std::stoull(m[3]);
    const uint64_t high_memory = std::stoull(m[4], nullptr, 16);
    const uint64_t vmalloc_start = std::stoull(m[5], nullptr, 16), vmalloc_end = std::stoull(m[6], nullptr, 16);
    EXPECT_EQ(lowmem + highmem, ram) << *mm;
    // The default board has 1 GiB: more than lowmem can hold, so some of it is highmem.
    EXPECT_GT(highmem, 0u) << *mm;
    EXPECT_EQ(vmalloc_start, high_memory + 8 * 1024 * 1024) << "VMALLOC_OFFSET is 8 MiB: " << *mm;
    EXPECT_LT(vmalloc_start, vmalloc_end) << *mm;
}

TEST_F(BootTest, KernelSeesItsCommandLineWithoutItsPath) {
    auto run = boot("scenario=boot marker=h8");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe();
    EXPECT_TRUE(has_line(run.out_lines(), "cmdline: scenario=boot marker=h8")) << run.out;
}

TEST_F(BootTest, MemoryMapListsRamAndThePciHole) {
    auto run = boot("");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe();
    auto lines = run.out_lines();
    EXPECT_TRUE(has_line(lines, "mmap: 0x0000000000100000-0x000000003ffdffff usable")) << run.out;
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string &l) { return is_pci_hole_line(l); }), 1)
        << run.out;
}

// RAM that would fall into the PCI hole is simply not there on a board without remapping: the
// guest sees usable RAM end below the hole, and the devices in the hole still work.
TEST_F(BootTest, RamBeyondThePciHoleIsCutAtTheHole) {
    auto run = boot("scenario=fb", {"--set", "memory.ram_size=4GiB"});
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\n" << run.out;
    auto lines = run.out_lines();
    EXPECT_TRUE(has_line(lines, "fb: 640x480x32 pattern drawn")) << run.out;
    auto bootmap = boot("", {"--set", "memory.ram_size=4GiB"});
    ASSERT_EQ(bootmap.exit_status, GUEST_EXIT_OK) << bootmap.describe();
    EXPECT_TRUE(has_line(bootmap.out_lines(), "mmap: 0x0000000000100000-0x00000000dffdffff usable")) << bootmap.out;
}

TEST_F(BootTest, TrapsScenarioHandlesTwoThousandOfEachFault) {
    auto run = boot("scenario=traps count=2000");
    ASSERT_EQ(run.exit_status, GUEST_EXIT_OK) << run.describe() << "\nstdout:\n" << run.out;
    auto lines = run.out_lines();
    for (const char *vec : {"#PF", "#GP", "#DE", "#BP"})
        EXPECT_TRUE(has_line(lines, std::string("traps: ") + vec + " 2000/2000 ok")) << vec << "\n" << run.out;
}

TEST_F(BootTest, UnknownScenarioIsTheGuestsBadCommandLine) {
    auto run = boot("scenario=no_such_scenario");
    EXPECT_EQ(run.exit_status, GUEST_EXIT_BAD_CMDLINE) << run.describe() << "\nstdout:\n" << run.out;
}

TEST_F(BootTest, SameScenarioTwiceGivesByteIdenticalOutput) {
    for (const char *scenario : {"scenario=layout", "scenario=selftest seed=7"}) {
        auto first = boot(scenario);
        auto second = boot(scenario);
        ASSERT_EQ(first.exit_status, GUEST_EXIT_OK) << scenario << ": " << first.describe();
        EXPECT_EQ(second.exit_status, first.exit_status) << scenario;
        EXPECT_EQ(second.out, first.out) << scenario;
    }
}

class BootThirdPartyTest : public GuestTest {};

TEST_F(BootThirdPartyTest, PrintsItsLineAndExitsWithItsDefaultCode) {
    auto run = boot_kernel(test_guest("hello"), "");
    EXPECT_EQ(run.exit_status, 42) << run.describe();
    EXPECT_EQ(run.out, "hello: a third-party Multiboot kernel is running\n");
    EXPECT_EQ(run.err, "");
}

TEST_F(BootThirdPartyTest, ExitCodeComesFromTheCommandLine) {
    for (int code : {0, 7, 200}) {
        auto run = boot_kernel(test_guest("hello"), "exit=" + std::to_string(code));
        EXPECT_EQ(run.exit_status, code) << run.describe();
        EXPECT_EQ(run.out, "hello: a third-party Multiboot kernel is running\n");
    }
}

// The same image that the default board rejects (see CliBadInputTest) boots where RAM reaches it:
// the rejection is about the board, not about the image.
TEST_F(BootThirdPartyTest, KernelLinkedHighBootsOnABoardWithEnoughRam) {
    auto run = boot_kernel(test_guest("outside_ram"), "exit=5", {"--set", "memory.ram_size=2GiB"});
    EXPECT_EQ(run.exit_status, 5) << run.describe() << "\nstdout:\n" << run.out;
    EXPECT_EQ(run.out, "hello: a third-party Multiboot kernel is running\n");
}

TEST_F(BootThirdPartyTest, SerialOptionSendsTheConsoleToAFile) {
    ScratchDir dir;
    auto serial = dir.file("com1.txt");
    auto run = boot_kernel(test_guest("hello"), "exit=3", {"--serial", serial.string()});
    EXPECT_EQ(run.exit_status, 3) << run.describe();
    EXPECT_EQ(run.out, "");
    std::ifstream in(serial);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "hello: a third-party Multiboot kernel is running\n");
}

} // namespace
} // namespace ia32emu::test
