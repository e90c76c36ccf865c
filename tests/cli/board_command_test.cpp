// `ia32emu board`: the parameter listing users read before writing a board file or a --set.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

TEST(BoardCommand, ListsEveryParameterWithItsValueAndUnit) {
    ProcessResult r = run_process({ia32emu_binary().string(), "board"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.out.find("# board pentium-m:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("cache.l1d.size"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[bytes]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dma.mask_bits"), std::string::npos) << r.out;
    EXPECT_GE(r.out_lines().size(), 60u);
}

TEST(BoardCommand, ShowsPresetValuesAndOverrides) {
    ProcessResult atom = run_process({ia32emu_binary().string(), "board", "atom-n270", "--set", "cache.l2.size=1MiB"});
    ASSERT_EQ(atom.exit_status, 0) << atom.describe();
    EXPECT_NE(atom.out.find("# board atom-n270:"), std::string::npos) << atom.out;
    bool found = false;
    for (const std::string &line : atom.out_lines())
        if (line.rfind("cache.l2.size ", 0) == 0) {
            found = true;
            EXPECT_NE(line.find("= 1048576"), std::string::npos) << line;
        }
    EXPECT_TRUE(found) << atom.out;
}

std::string line_of(const ProcessResult &r, const std::string &key) {
    for (const std::string &line : r.out_lines())
        if (line.rfind(key + " ", 0) == 0) return line;
    return {};
}

// The line of `key` inside `[section]` of a preset, counted as editors count: the expectation
// follows the preset file when parameters are added above it.
int preset_line(const std::string &preset, const std::string &section, const std::string &key) {
    std::ifstream in(std::filesystem::path(IA32EMU_TEST_DIR) / ".." / "emu" / "board" / "presets" / (preset + ".toml"));
    std::string line;
    bool inside = false;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line[0] == '[') inside = line == "[" + section + "]";
        else if (inside && line.rfind(key + " ", 0) == 0) return n;
    }
    return 0;
}

// Each value says where it came from: the preset's line and the sources its comment cites, a
// board file's line, --set, or the table's default.
TEST(BoardCommand, ShowsTheProvenanceOfEveryValue) {
    ScratchDir dir;
    const auto file = dir.write("mine.toml", "base = \"atom-n270\"\n[cache.l2]\nlatency = 18   # [MINE] measured, "
                                             "see \"#1\"\nways = 8\n");
    ProcessResult r = run_process({ia32emu_binary().string(), "board", file.string(), "--set", "tlb.walk_cycles=9"});
    ASSERT_EQ(r.exit_status, 0) << r.describe();
    // The preset's own line: "size = "24KiB"      # [SDM2] descriptor 0Eh: ...; [7CPU] [TOMS]"
    const int l1d_size_line = preset_line("atom-n270", "cache.l1d", "size");
    ASSERT_GT(l1d_size_line, 0);
    EXPECT_NE(line_of(r, "cache.l1d.size")
                  .find("{from: preset atom-n270:" + std::to_string(l1d_size_line) + " [SDM2] [7CPU] [TOMS]}"),
              std::string::npos)
        << line_of(r, "cache.l1d.size");
    EXPECT_NE(line_of(r, "memory.mmio_latency").find("[EST]}"), std::string::npos) << line_of(r, "memory.mmio_latency");
    EXPECT_NE(line_of(r, "cache.l2.latency").find("{from: " + file.string() + ":3 [MINE]}"), std::string::npos)
        << line_of(r, "cache.l2.latency");
    EXPECT_NE(line_of(r, "cache.l2.ways").find("{from: " + file.string() + ":4}"), std::string::npos)
        << line_of(r, "cache.l2.ways");
    EXPECT_NE(line_of(r, "tlb.walk_cycles").find("{from: --set}"), std::string::npos) << line_of(r, "tlb.walk_cycles");
    size_t defaults = 0;
    for (const std::string &line : r.out_lines()) defaults += line.find("{from: default}") != std::string::npos;
    EXPECT_LT(defaults, r.out_lines().size() / 2) << "the preset sets most parameters";
}

TEST(BoardCommand, UnknownBoardOrKeyIsBadInputNamingIt) {
    ProcessResult board = run_process({ia32emu_binary().string(), "board", "no-such-board"});
    EXPECT_EQ(board.exit_status, 2);
    EXPECT_NE(board.err.find("no-such-board"), std::string::npos) << board.err;
    ProcessResult key = run_process({ia32emu_binary().string(), "board", "--set", "cache.l1d.sise=1"});
    EXPECT_EQ(key.exit_status, 2);
    EXPECT_NE(key.err.find("cache.l1d.sise"), std::string::npos) << key.err;
}

} // namespace
} // namespace ia32emu::test
