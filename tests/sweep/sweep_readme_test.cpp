// The README's sweep file is a valid sweep: it expands to the grid it describes.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "emu/sweep/sweep_spec.h"
#include "tests/support/guest_run.h"

namespace ia32emu {
namespace {

TEST(SweepReadme, ExampleSweepFileExpands) {
    std::ifstream in(std::string(IA32EMU_TEST_DIR) + "/../README.md");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    const size_t section = readme.find("## Parameter sweeps");
    ASSERT_NE(section, std::string::npos);
    const size_t begin = readme.find("```toml\n", section);
    ASSERT_NE(begin, std::string::npos);
    const size_t body = begin + 8;
    std::string toml = readme.substr(body, readme.find("```", body) - body);
    // The example's kernel path is relative to where a user keeps the file; use the built one.
    const size_t kernel_end = toml.find('\n');
    ASSERT_TRUE(toml.starts_with("kernel = "));
    toml = "kernel = \"" + test::our_kernel().string() + "\"" + toml.substr(kernel_end);
    const SweepSpec spec = parse_sweep_text(toml, "README.md", std::filesystem::path(IA32EMU_TEST_DIR) / "..");
    EXPECT_EQ(spec.parameter_names(), (std::vector<std::string>{"board", "scenario", "tlb.dtlb.entries_4k",
                                                                "cache.l1d.size", "cache.l1d.ways"}));
    const auto points = expand_sweep(spec, false);
    ASSERT_EQ(points.size(), 2u * 2u * 3u * 3u);
    EXPECT_EQ(points[0].cmdline, "scenario=bench reps=1 slub_debug=-");
    EXPECT_EQ(points[0].board, "pentium-m");
    EXPECT_EQ(points.back().board, "atom-n270");
    EXPECT_EQ(points[0].overrides.front(), "memory.latency=180");
}

} // namespace
} // namespace ia32emu
