// The report says what ran, in a form a user can check by hand: the kernel's SHA-256 is what
// coreutils' sha256sum prints for the file, the board's is sha256sum of the report's own `board`
// object written compactly; the same inputs give the same identity and another board another hash.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;

std::string sha256sum(const fs::path &file) {
    auto r = run_process({"/usr/bin/sha256sum", "--", file.string()});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    return r.out.substr(0, r.out.find(' '));
}

class RunIdentity : public GuestTest {};

TEST_F(RunIdentity, ReportNamesKernelCmdlineAndBoardByTheirHashes) {
    ScratchDir dir;
    auto run = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=boot", "--report",
                                 dir.file("r.json").string()});
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    // In the file's own key order: the hash covers the text as written.
    const auto report = nlohmann::ordered_json::parse(file_contents(dir.file("r.json")));
    const nlohmann::json what = report["run"];
    EXPECT_EQ(what["kernel"]["path"], our_kernel().string());
    EXPECT_EQ(what["kernel"]["sha256"], sha256sum(our_kernel()));
    EXPECT_EQ(what["kernel"]["bytes"].get<uintmax_t>(), fs::file_size(our_kernel()));
    EXPECT_EQ(what["cmdline"], "scenario=boot");
    EXPECT_EQ(what["board"]["name"], "pentium-m");
    EXPECT_EQ(what["board"]["sha256"], sha256sum(dir.write("board.json", report["board"].dump())));

    auto again = boot_with_report("scenario=boot");
    ASSERT_TRUE(again.report) << again.report_problem;
    EXPECT_EQ((*again.report)["run"], what);

    auto atom = boot_with_report("scenario=boot", {"--board", "atom-n270"});
    ASSERT_TRUE(atom.report) << atom.report_problem;
    EXPECT_EQ((*atom.report)["run"]["board"]["name"], "atom-n270");
    auto smaller = boot_with_report("scenario=boot", {"--set", "cache.l1d.size=4KiB"});
    ASSERT_TRUE(smaller.report) << smaller.report_problem;
    EXPECT_EQ((*smaller.report)["run"]["board"]["name"], "pentium-m");
    for (const auto *other : {&atom, &smaller}) {
        EXPECT_NE((*other->report)["run"]["board"]["sha256"], what["board"]["sha256"]);
        EXPECT_EQ((*other->report)["run"]["kernel"], what["kernel"]);
    }
}

// Two boots of one kernel with different module contents are different runs: the report hashes
// the payload (here one Multiboot module) and `diff` refuses to compare them, naming it.
TEST_F(RunIdentity, ModulesAreHashedAndDiffRefusesAnotherPayload) {
    ScratchDir dir;
    const fs::path one = dir.write("one.bin", "first payload"), two = dir.write("two.bin", "second payload");
    auto boot_with = [&](const fs::path &module, const std::string &report) {
        auto run = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", "scenario=boot", "--module",
                                     module.string(), "--report", dir.file(report).string()});
        EXPECT_EQ(run.exit_status, 0) << run.describe();
        return nlohmann::json::parse(file_contents(dir.file(report)));
    };
    const auto a = boot_with(one, "a.json"), b = boot_with(two, "b.json");
    EXPECT_EQ(a["run"]["initrd_and_modules"]["files"], 1);
    EXPECT_EQ(a["run"]["initrd_and_modules"]["sha256"], sha256sum(dir.write("digests", sha256sum(one) + "\n")));
    EXPECT_NE(a["run"]["initrd_and_modules"]["sha256"], b["run"]["initrd_and_modules"]["sha256"]);
    EXPECT_EQ(a["run"]["kernel"], b["run"]["kernel"]);

    auto refused = run_ia32emu_args({"diff", dir.file("a.json").string(), dir.file("b.json").string()});
    EXPECT_EQ(refused.exit_status, 2) << refused.describe();
    EXPECT_NE(refused.err.find("initrd and modules (A 1 file(s)"), std::string::npos) << refused.err;
}

} // namespace
} // namespace ia32emu::test
