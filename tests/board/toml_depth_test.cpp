// The nesting scan that runs before toml++: real board files pass, hostile nesting is found.
#include <gtest/gtest.h>

#include <string>

#include "emu/board/presets.h"
#include "emu/board/toml_depth.h"

namespace ia32emu {
namespace {

TEST(TomlDepth, TheShippedPresetsPass) {
    ASSERT_FALSE(board_presets().empty());
    for (const BoardPreset &p : board_presets())
        EXPECT_FALSE(excessive_toml_nesting(p.toml)) << p.name;
}

TEST(TomlDepth, FloatsDatesAndDotsInsideStringsOrCommentsDoNotCount) {
    std::string text = "a.b.c = 1.5\n"
                       "d = \"" + std::string(100, '.') + "\"\n"
                       "e = '''\n" + std::string(100, '.') + "\n'''\n"
                       "# " + std::string(100, '.') + "\n"
                       "f = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5]\n"
                       "\"q.r\".\"s.t\" = 0.25\n";
    EXPECT_FALSE(excessive_toml_nesting(text));
}

TEST(TomlDepth, DeepDottedKeysAreFoundWithTheirLine) {
    std::string key = "a";
    for (int i = 0; i < 17; ++i)
        key += " . \"b\"";
    auto found = excessive_toml_nesting("x = 1\n[t]\n" + key + " = 2\n");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->line, 3u);
    EXPECT_STREQ(found->what, "dotted key");
    EXPECT_FALSE(excessive_toml_nesting("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q = 1\n"));   // 16 dots: the limit
}

TEST(TomlDepth, DeepInlineTablesAreFound) {
    std::string text = "x = ";
    for (int i = 0; i < 17; ++i)
        text += "{a = ";
    text += "1" + std::string(17, '}') + "\n";
    auto found = excessive_toml_nesting(text);
    ASSERT_TRUE(found);
    EXPECT_STREQ(found->what, "array or inline table");
}

} // namespace
} // namespace ia32emu
