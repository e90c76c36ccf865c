// `ia32emu board`: the parameter listing users read before writing a board file or a --set.
#include <gtest/gtest.h>

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
