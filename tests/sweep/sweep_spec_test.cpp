// Sweep files: expansion order, zip groups, stable ids, self-contained board files and the bad
// input that must stop a sweep before anything runs. No guest runs here.
#include "emu/sweep/sweep_spec.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "emu/board/board_config.h"
#include "emu/sweep/sweep_folder.h"
#include "emu/sweep/sweep_slurm.h"
#include "tests/support/guest_run.h"

namespace ia32emu {
namespace {

using test::ScratchDir;

class SweepSpecTest : public ::testing::Test {
protected:
    // Every sweep needs a kernel that exists; the expansion never reads it.
    std::string head() const { return "kernel = \"" + kernel_.string() + "\"\n"; }
    SweepSpec parse(const std::string &body) { return parse_sweep_text(head() + body, "test.toml", dir_.path()); }
    std::string error_of(const std::string &text, bool allow_huge = false) {
        try {
            expand_sweep(parse_sweep_text(text, "test.toml", dir_.path()), allow_huge);
        } catch (const SweepError &e) {
            return e.what();
        }
        return "";
    }

    ScratchDir dir_;
    std::filesystem::path kernel_ = dir_.write("kernel.elf", "not run here");
};

std::string param(const SweepPoint &p, const std::string &key) {
    for (const auto &[k, v] : p.params)
        if (k == key) return v;
    return "<absent>";
}

TEST_F(SweepSpecTest, GridIsCartesianWithTheLastKeyFastest) {
    auto points = expand_sweep(parse("[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\", \"64KiB\"]\n"
                                     "tlb.dtlb.entries_4k = [32, 64]\n"),
                               false);
    ASSERT_EQ(points.size(), 6u);
    const char *sizes[] = {"16KiB", "16KiB", "32KiB", "32KiB", "64KiB", "64KiB"};
    const char *entries[] = {"32", "64", "32", "64", "32", "64"};
    for (size_t i = 0; i < points.size(); ++i) {
        EXPECT_EQ(points[i].index, i);
        EXPECT_EQ(param(points[i], "cache.l1d.size"), sizes[i]);
        EXPECT_EQ(param(points[i], "tlb.dtlb.entries_4k"), entries[i]);
        EXPECT_EQ(points[i].overrides, (std::vector<std::string>{std::string("cache.l1d.size=") + sizes[i],
                                                                std::string("tlb.dtlb.entries_4k=") + entries[i]}));
    }
}

TEST_F(SweepSpecTest, ZipGroupValuesGoTogetherAndCrossTheGrid) {
    SweepSpec spec = parse("[grid]\nboard = [\"pentium-m\", \"atom-n270\"]\n"
                           "[[zip]]\ncache.l1d.size = [\"16KiB\", \"64KiB\"]\ncache.l1d.ways = [4, 16]\n");
    EXPECT_EQ(spec.parameter_names(), (std::vector<std::string>{"board", "cache.l1d.size", "cache.l1d.ways"}));
    auto points = expand_sweep(spec, false);
    ASSERT_EQ(points.size(), 4u);
    for (const SweepPoint &p : points) {
        const bool small = param(p, "cache.l1d.size") == "16KiB";
        EXPECT_EQ(param(p, "cache.l1d.ways"), small ? "4" : "16");
    }
    EXPECT_EQ(points[0].board, "pentium-m");
    EXPECT_EQ(points[3].board, "atom-n270");
}

TEST_F(SweepSpecTest, ScenarioAndCmdlineBuildTheCommandLine) {
    auto points = expand_sweep(parse("cmdline = \"slub_debug=-\"\n[grid]\nscenario = [\"boot\", \"selftest\"]\n"), false);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(points[0].cmdline, "scenario=boot slub_debug=-");
    EXPECT_EQ(points[1].cmdline, "scenario=selftest slub_debug=-");
    EXPECT_TRUE(points[0].overrides.empty());
    auto lines = expand_sweep(parse("cmdline = \"x\"\n[grid]\ncmdline = [\"scenario=boot\", \"scenario=frag\"]\n"), false);
    EXPECT_EQ(lines[1].cmdline, "scenario=frag");
}

TEST_F(SweepSpecTest, IdsDependOnTheSweptValuesOnly) {
    auto a = expand_sweep(parse("cmdline = \"scenario=boot\"\n[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\"]\n"
                                "tlb.dtlb.entries_4k = [32, 64]\n"),
                          false);
    // Another order of the keys, another value, another command line, a fixed override: the
    // points both sweeps share keep their ids, and so their folders and results.
    auto b = expand_sweep(parse("cmdline = \"scenario=frag\"\n[set]\ncache.l2.size = \"1MiB\"\n[grid]\n"
                                "tlb.dtlb.entries_4k = [64, 32, 128]\ncache.l1d.size = [\"32KiB\", \"16KiB\"]\n"),
                          false);
    std::set<std::string> ids_b;
    for (const SweepPoint &p : b) ids_b.insert(p.id);
    EXPECT_EQ(ids_b.size(), b.size());
    for (const SweepPoint &p : a) {
        EXPECT_EQ(p.id.size(), 12u);
        EXPECT_EQ(p.id.find_first_not_of("0123456789abcdef"), std::string::npos) << p.id;
        EXPECT_TRUE(ids_b.contains(p.id)) << p.id;
    }
    std::set<std::string> ids_a;
    for (const SweepPoint &p : a) ids_a.insert(p.id);
    EXPECT_EQ(ids_a.size(), 4u);
    // The same sweep twice gives the same ids in the same order.
    auto again = expand_sweep(parse("cmdline = \"scenario=boot\"\n[grid]\ncache.l1d.size = [\"16KiB\", \"32KiB\"]\n"
                                    "tlb.dtlb.entries_4k = [32, 64]\n"),
                              false);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(again[i].id, a[i].id);
}

TEST_F(SweepSpecTest, PointBoardFileReproducesThePointsBoard) {
    auto points = expand_sweep(parse("board = \"atom-n270\"\n[set]\ncache.l2.size = \"1MiB\"\ndma.bytes_per_cycle = 0.125\n"
                                     "[grid]\ncache.l1d.size = [\"12KiB\"]\ncache.l1d.replacement = [\"lru\"]\n"
                                     "cpu.features.pge = [false]\n"),
                               false);
    ASSERT_EQ(points.size(), 1u);
    const std::filesystem::path file = dir_.write("board.toml", point_board_file(points[0]));
    BoardConfig expected = BoardConfig::load("atom-n270");
    for (const std::string &o : points[0].overrides) expected.apply_override(o);
    EXPECT_EQ(BoardConfig::load(file.string()).to_json(), expected.to_json());
    EXPECT_EQ(BoardConfig::load(file.string()).name, "atom-n270");
}

TEST_F(SweepSpecTest, BadInputNamesTheProblem) {
    const std::string k = head();
    EXPECT_NE(error_of(k + "[grid]\ncache.l1d.sise = [1]\n").find("unknown key 'cache.l1d.sise'"), std::string::npos);
    EXPECT_NE(error_of(k + "[set]\ncache.l1d.sise = 1\n").find("unknown board key 'cache.l1d.sise'"), std::string::npos);
    EXPECT_NE(error_of(k + "colour = 1\n").find("unknown key 'colour'"), std::string::npos);
    EXPECT_NE(error_of(k + "[grid]\ncache.l1d.size = []\n").find("cache.l1d.size: empty list"), std::string::npos);
    EXPECT_NE(error_of(k + "[grid]\ncache.l1d.size = \"16KiB\"\n").find("expected a list"), std::string::npos);
    EXPECT_NE(error_of(k + "[grid]\ncache.l1d.size = [1, 1]\n").find("listed twice"), std::string::npos);
    EXPECT_NE(error_of(k + "[[zip]]\ncache.l1d.size = [\"16KiB\", \"32KiB\"]\ncache.l1d.ways = [4]\n")
                  .find("cache.l1d.ways has 1 values but cache.l1d.size has 2"),
              std::string::npos);
    EXPECT_NE(error_of(k + "[[zip]]\ncache.l1d.size = [\"16KiB\", \"16KiB\"]\ncache.l1d.ways = [4, 4]\n")
                  .find("zip: values number 2 repeat"),
              std::string::npos);
    EXPECT_NE(error_of(k + "[grid]\ncache.l1d.ways = [4]\n[[zip]]\ncache.l1d.ways = [8]\n").find("swept twice"),
              std::string::npos);
    EXPECT_NE(error_of("[grid]\ncache.l1d.size = [\"16KiB\"]\n").find("no kernel"), std::string::npos);
    EXPECT_NE(error_of("kernel = \"no/such/kernel.elf\"\n").find("kernel '"), std::string::npos);
    EXPECT_NE(error_of(k + "[grid]\nboard = [\"pentium-m\", \"no-such-board\"]\n").find("no-such-board"),
              std::string::npos);
    // A value the board rejects for one point names that point and the key.
    const std::string bad_value = error_of(k + "[grid]\ncache.l1d.size = [\"32KiB\", \"33KiB\"]\n");
    EXPECT_NE(bad_value.find("cache.l1d.size=33KiB"), std::string::npos) << bad_value;
    EXPECT_NE(bad_value.find("board: "), std::string::npos) << bad_value;
    EXPECT_NE(error_of(k + "[grid\n").find("test.toml:"), std::string::npos);
}

TEST_F(SweepSpecTest, MoreThanTenThousandPointsNeedYes) {
    // 101 x 100 = 10,100 points.
    std::string a = "[", b = "[";
    for (int i = 0; i < 101; ++i) a += (i ? ", " : "") + std::to_string(i + 1);
    for (int i = 0; i < 100; ++i) b += (i ? ", " : "") + std::to_string(i + 1);
    const std::string text = head() + "[grid]\ncost.alu = " + a + "]\ncost.mul = " + b + "]\n";
    const std::string refused = error_of(text);
    EXPECT_NE(refused.find("10100 points"), std::string::npos) << refused;
    EXPECT_NE(refused.find("--yes"), std::string::npos) << refused;
    EXPECT_EQ(expand_sweep(parse_sweep_text(text, "test.toml", dir_.path()), true).size(), 10'100u);
}

TEST(SweepSlurmScript, ArrayRangesAndThrottle) {
    EXPECT_EQ(slurm_array_ranges({0, 1, 2, 3, 5, 7, 8, 9}), "0-3,5,7-9");
    EXPECT_EQ(slurm_array_ranges({4}), "4");
    SlurmOptions options{"batch", "10:00", {"--mem=2G"}, 3};
    const std::string script = slurm_array_script("/opt/ia32emu", "/shared/sweep", {0, 1, 2, 6}, options);
    EXPECT_TRUE(script.starts_with("#!/bin/sh\n")) << script;
    EXPECT_NE(script.find("#SBATCH --array=0-2,6%3\n"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --partition=batch\n"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --time=10:00\n"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --mem=2G\n"), std::string::npos) << script;
    EXPECT_NE(script.find("#SBATCH --output=/shared/sweep/slurm/%A_%a.out\n"), std::string::npos) << script;
    EXPECT_NE(script.find("exec '/opt/ia32emu' sweep run-point '/shared/sweep' \"$SLURM_ARRAY_TASK_ID\"\n"),
              std::string::npos)
        << script;
    EXPECT_NE(slurm_array_script("/b", "/d", {0}, {}).find("#SBATCH --array=0\n"), std::string::npos);
}

} // namespace
} // namespace ia32emu
