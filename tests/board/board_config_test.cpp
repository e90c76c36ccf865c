// BoardConfig: presets, inheritance, overrides, validation and the one-line errors.
#include "emu/board/board_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "emu/board/presets.h"

namespace ia32emu {
namespace {

namespace fs = std::filesystem;

class BoardConfigFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "board_config_test.XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path write(const std::string &name, const std::string &text) {
        fs::path p = dir_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }
    fs::path dir_;
};

// The message of the ConfigError that `f` throws, or "" if it throws none.
template <typename F> std::string error_of(F f) {
    try {
        f();
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "";
}

TEST(BoardConfig, PentiumMPresetHasDothanGeometry) {
    BoardConfig c = BoardConfig::load("pentium-m");
    EXPECT_EQ(c.name, "pentium-m");
    EXPECT_EQ(c.cache.l1i.size_bytes, 32u * 1024);
    EXPECT_EQ(c.cache.l1d.size_bytes, 32u * 1024);
    EXPECT_EQ(c.cache.l1d.ways, 8u);
    EXPECT_EQ(c.cache.l1d.line_bytes, 64u);
    EXPECT_EQ(c.cache.l1d.latency, 3u);
    EXPECT_EQ(c.cache.l2.size_bytes, 2u * 1024 * 1024);
    EXPECT_EQ(c.cache.l2.ways, 8u);
    EXPECT_EQ(c.cache.l2.latency, 10u);
    EXPECT_FALSE(c.cache.has_l3);
    EXPECT_EQ(c.cache.memory_latency, 200u);
    EXPECT_EQ(c.tlb.dtlb.small.entries, 128u);
    EXPECT_EQ(c.tlb.dtlb.small.ways, 4u);
    EXPECT_EQ(c.tlb.itlb.large.entries, 2u);
    EXPECT_FALSE(c.tlb.has_stlb);
    EXPECT_EQ(c.page_walk_cycles, 8u);
    EXPECT_EQ(c.cpu.family, 6u);
    EXPECT_EQ(c.cpu.model, 13u);
    EXPECT_EQ(c.memory.ram_size, 1ull << 30);
    EXPECT_EQ(c.memory.pci_hole_start, 0xE0000000ull);
    EXPECT_EQ(c.dma.mask_bits, 28u);
}

TEST(BoardConfig, AtomPresetHasDiamondvilleGeometry) {
    BoardConfig c = BoardConfig::load("atom-n270");
    EXPECT_EQ(c.name, "atom-n270");
    EXPECT_EQ(c.cache.l1i.size_bytes, 32u * 1024);
    EXPECT_EQ(c.cache.l1i.ways, 8u);
    EXPECT_EQ(c.cache.l1d.size_bytes, 24u * 1024);
    EXPECT_EQ(c.cache.l1d.ways, 6u);
    EXPECT_EQ(c.cache.l2.size_bytes, 512u * 1024);
    EXPECT_EQ(c.cache.l2.latency, 15u);
    EXPECT_EQ(c.tlb.dtlb.small.entries, 16u);
    EXPECT_EQ(c.tlb.itlb.large.entries, 0u);
    EXPECT_TRUE(c.tlb.has_stlb);
    EXPECT_EQ(c.tlb.stlb.small.entries, 64u);
    EXPECT_EQ(c.tlb.stlb.hit_latency, 7u);
    EXPECT_EQ(c.tlb.stlb.name, "stlb");
    EXPECT_EQ(c.cache.l1d.name, "l1d");
    EXPECT_EQ(c.cpu.model, 28u);
    EXPECT_EQ(c.cpu.clock_mhz, 1600u);
}

TEST(BoardConfig, DefaultBoardIsPentiumMAndEqualsTheTableDefaults) {
    EXPECT_EQ(BoardConfig::load("default").to_json(), BoardConfig::load(kDefaultBoard).to_json());
    EXPECT_EQ(BoardConfig::defaults().to_json(), BoardConfig::load("default").to_json());
}

TEST(BoardConfig, EveryPresetSetsEveryParameter) {
    for (const BoardPreset &preset : board_presets()) {
        toml::table table = toml::parse(preset.toml);
        for (const ParamDescriptor &p : BoardConfig::parameters())
            EXPECT_TRUE(table.at_path(p.key)) << preset.name << " does not set " << p.key;
    }
}

TEST(BoardConfig, EveryParameterHasDescriptionAndDefault) {
    for (const ParamDescriptor &p : BoardConfig::parameters()) {
        EXPECT_FALSE(p.description.empty()) << p.key;
        EXPECT_FALSE(p.default_text.empty()) << p.key;
    }
}

TEST(BoardConfig, OverridesSetTypedValues) {
    BoardConfig c = BoardConfig::load("default");
    c.apply_override("cache.l1d.size=16KiB");
    c.apply_override(" memory.pci_hole_start = 0xC0000000 ");
    c.apply_override("cpu.features.pae=false");
    c.apply_override("tlb.dtlb.replacement=plru");
    c.apply_override("dma.bytes_per_cycle=0.5");
    c.apply_override("cpu.brand=My CPU");
    c.validate();
    EXPECT_EQ(c.cache.l1d.size_bytes, 16u * 1024);
    EXPECT_EQ(c.memory.pci_hole_start, 0xC0000000ull);
    EXPECT_FALSE(c.cpu.pae);
    EXPECT_EQ(c.tlb.dtlb.policy, ReplacementPolicy::TreePlru);
    EXPECT_DOUBLE_EQ(c.dma.bytes_per_cycle, 0.5);
    EXPECT_EQ(c.cpu.brand, "My CPU");
    EXPECT_EQ(c.get("cache.l1d.size"), "16384");
    EXPECT_EQ(c.get("tlb.dtlb.replacement"), "plru");
}

TEST(BoardConfig, UnknownKeyNamesTheKey) {
    BoardConfig c = BoardConfig::defaults();
    EXPECT_EQ(error_of([&] { c.apply_override("cache.l1d.sise=1"); }), "board: unknown key 'cache.l1d.sise'");
}

TEST(BoardConfig, BadValuesNameKeyAndValue) {
    BoardConfig c = BoardConfig::defaults();
    EXPECT_EQ(error_of([&] { c.apply_override("cache.l1d.size=abc"); }),
              "board: cache.l1d.size: expected a positive integer, got \"abc\"");
    EXPECT_EQ(error_of([&] { c.apply_override("cpu.features.pse=yes"); }),
              "board: cpu.features.pse: expected true or false, got \"yes\"");
    EXPECT_EQ(error_of([&] { c.apply_override("cache.l1d.line=48"); }),
              "board: cache.l1d.line: expected a power of two, got 48");
    EXPECT_EQ(error_of([&] { c.apply_override("dma.mask_bits=40"); }),
              "board: dma.mask_bits: expected an integer in [12, 32], got 40");
    EXPECT_EQ(error_of([&] { c.apply_override("tlb.itlb.replacement=mru"); }),
              "board: tlb.itlb.replacement: expected one of lru, plru, fifo, random, got \"mru\"");
    EXPECT_EQ(error_of([&] { c.apply_override("dma.bytes_per_cycle=-1"); }),
              "board: dma.bytes_per_cycle: expected a number in [2^-20, 64], got -1");
    EXPECT_EQ(error_of([&] { c.apply_override("cache.l1d.size"); }),
              "board: --set expects key=value, got \"cache.l1d.size\"");
    EXPECT_EQ(error_of([&] { c.apply_override("memory.ram_size=99999999999999999999"); }),
              "board: memory.ram_size: expected a positive integer, got \"99999999999999999999\"");
    // A failed override leaves the value it would have replaced.
    EXPECT_EQ(c.cache.l1d.size_bytes, 32u * 1024);
}

TEST(BoardConfig, ValidationChecksGeometry) {
    BoardConfig c = BoardConfig::defaults();
    c.apply_override("cache.l1d.ways=6");
    EXPECT_EQ(error_of([&] { c.validate(); }),
              "board: cache.l1d.size: 32768 bytes is not a multiple of ways x line (6 x 64)");
    c.apply_override("cache.l1d.size=12KiB");
    c.apply_override("cache.l1d.ways=2");
    EXPECT_EQ(error_of([&] { c.validate(); }),
              "board: cache.l1d.size: gives 96 sets; the number of sets (size / (ways x line)) must be a power of two");
    c.apply_override("cache.l1d.size=24KiB");
    c.apply_override("cache.l1d.ways=6");
    EXPECT_EQ(error_of([&] { c.validate(); }),
              "board: cache.l1d.replacement: plru needs a power-of-two associativity of at most 64, got 6");
    c.apply_override("cache.l1d.replacement=lru");
    EXPECT_EQ(error_of([&] { c.validate(); }), "");

    BoardConfig t = BoardConfig::defaults();
    t.apply_override("tlb.dtlb.ways_4k=3");
    EXPECT_EQ(error_of([&] { t.validate(); }), "board: tlb.dtlb.entries_4k: 128 entries do not divide into 3 ways");

    BoardConfig l = BoardConfig::defaults();
    l.apply_override("cache.l2.line=128");
    l.validate();   // a bigger line below is fine: an L1 line fits in it
    l.apply_override("cache.l1d.line=256");
    EXPECT_EQ(error_of([&] { l.validate(); }),
              "board: cache.l2.line: 128 is smaller than cache.l1d.line (256); a line must fit in one line of the "
              "level below");

    BoardConfig o = BoardConfig::defaults();
    o.apply_override("cache.l2.latency=2");
    EXPECT_EQ(error_of([&] { o.validate(); }),
              "board: cache.l2.latency: 2 is below cache.l1d.latency (3); a farther level cannot be faster");

    BoardConfig v = BoardConfig::defaults();
    v.apply_override("cpu.vendor=Intel");
    EXPECT_EQ(error_of([&] { v.validate(); }), "board: cpu.vendor: expected 12 characters, got 5 (\"Intel\")");
}

TEST(BoardConfig, OptionalLevelsAreValidatedOnlyWhenPresent) {
    BoardConfig c = BoardConfig::defaults();
    c.apply_override("cache.l3.ways=3");
    c.validate();   // absent L3: its geometry does not matter
    EXPECT_FALSE(c.cache.has_l3);
    c.apply_override("cache.l3.size=4MiB");
    EXPECT_TRUE(c.cache.has_l3);
    EXPECT_NE(error_of([&] { c.validate(); }), "");
    c.apply_override("cache.l3.ways=16");
    c.validate();
    c.apply_override("tlb.l2.ways_4k=3");
    c.validate();   // absent second-level TLB
    c.apply_override("tlb.l2.entries_4k=96");
    EXPECT_TRUE(c.tlb.has_stlb);
    c.validate();   // 32 sets of 3 ways
    c.apply_override("tlb.l2.ways_4k=4");
    EXPECT_EQ(error_of([&] { c.validate(); }), "board: tlb.l2.entries_4k: gives 24 sets; the number of sets must be "
                                               "a power of two");
    c.apply_override("tlb.l2.ways_4k=5");
    EXPECT_EQ(error_of([&] { c.validate(); }), "board: tlb.l2.entries_4k: 96 entries do not divide into 5 ways");
}

TEST(BoardConfig, ToJsonNestsKeysInTableOrder) {
    auto j = BoardConfig::load("atom-n270").to_json();
    EXPECT_EQ(j.begin().key(), "board");
    EXPECT_EQ(j["cache"]["l1d"]["size"], 24576);
    EXPECT_EQ(j["cache"]["l1d"]["replacement"], "lru");
    EXPECT_EQ(j["cpu"]["features"]["pae"], true);
    EXPECT_EQ(j["tlb"]["l2"]["entries_4k"], 64);
    EXPECT_DOUBLE_EQ(j["dma"]["bytes_per_cycle"].get<double>(), 0.0833);
}

TEST(BoardConfig, UnknownBoardNameListsPresets) {
    EXPECT_EQ(error_of([] { BoardConfig::load("pentium-4"); }),
              "board: unknown board 'pentium-4' (presets: atom-n270, default, pentium-m; or a .toml file)");
}

TEST_F(BoardConfigFiles, FileInheritsFromPresetAndFromRelativeFile) {
    write("boards/small.toml", "base = \"atom-n270\"\n[cache.l2]\nsize = \"256KiB\"\n");
    fs::path top = write("boards/top.toml", "base = \"small.toml\"\n[memory]\nram_size = 268435456\n");
    BoardConfig c = BoardConfig::load(top.string());
    // A file that changes its base is a board of its own, named after the file.
    EXPECT_EQ(c.name, "top");
    EXPECT_NE(c.description.find("based on small.toml"), std::string::npos) << c.description;
    EXPECT_EQ(c.cache.l2.size_bytes, 256u * 1024);
    EXPECT_EQ(c.cache.l1d.size_bytes, 24u * 1024);
    EXPECT_EQ(c.memory.ram_size, 256ull << 20);
}

TEST_F(BoardConfigFiles, FileWithoutBaseStartsFromDefaults) {
    fs::path p = write("plain.toml", "[board]\nname = \"plain\"\n[cost]\ndiv = 77\n");
    BoardConfig c = BoardConfig::load(p.string());
    EXPECT_EQ(c.name, "plain");
    EXPECT_EQ(c.cost.div, 77u);
    EXPECT_EQ(c.cache.l2.size_bytes, BoardConfig::defaults().cache.l2.size_bytes);
}

TEST_F(BoardConfigFiles, FileErrorsNameFileLineAndKey) {
    fs::path unknown = write("unknown.toml", "[cache.l1d]\nsise = 1\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(unknown.string()); }),
              "board: " + unknown.string() + ":2: unknown key 'cache.l1d.sise'");
    fs::path typed = write("typed.toml", "[cpu.features]\npae = 1\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(typed.string()); }),
              "board: " + typed.string() + ":2: cpu.features.pae: expected true or false, got 1");
    fs::path table = write("table.toml", "cache = 3\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(table.string()); }),
              "board: " + table.string() + ":1: unknown key 'cache'");
    fs::path negative = write("negative.toml", "[cost]\nalu = -1\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(negative.string()); }),
              "board: " + negative.string() + ":2: cost.alu: expected a non-negative integer, got -1");
    fs::path invalid = write("invalid.toml", "[cache.l1d]\nways = 6\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(invalid.string()); }),
              "board: cache.l1d.size: 32768 bytes is not a multiple of ways x line (6 x 64)");
}

TEST_F(BoardConfigFiles, SyntaxErrorsAndBadFilesAreOneLine) {
    fs::path syntax = write("syntax.toml", "[cache.l1d\nsize = 1\n");
    std::string e = error_of([&] { BoardConfig::load(syntax.string()); });
    EXPECT_EQ(e.rfind("board: " + syntax.string() + ":1:", 0), 0u) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;

    fs::path loop = write("loop.toml", "base = \"loop.toml\"\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(loop.string()); }),
              "board: " + loop.string() + ": base: more than 8 levels of base (a cycle?)");

    fs::path bad_base = write("badbase.toml", "base = 3\n");
    EXPECT_EQ(error_of([&] { BoardConfig::load(bad_base.string()); }),
              "board: " + bad_base.string() + ": base: expected a board name or file, got 3");

    fs::path missing = dir_ / "missing.toml";
    EXPECT_EQ(error_of([&] { BoardConfig::load(missing.string()); }),
              "board: cannot read '" + missing.string() + "': no such file");
}

} // namespace
} // namespace ia32emu
