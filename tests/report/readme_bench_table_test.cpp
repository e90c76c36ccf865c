// The README's bench table is what `make demo` prints: the demo's run (its command line read from
// the Makefile) gives, per cell, the p50 cycles of each phase and the DTLB misses per touch the
// table shows. A change to the model that moves them fails here with the table as it should read.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/guest_run.h"

namespace ia32emu::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const fs::path kSourceDir = fs::path(IA32EMU_TEST_DIR) / "..";

// 1 298, 121 904: thousands apart by a space, as the README writes them.
std::string grouped(uint64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ' ';
        out += digits[i];
    }
    return out;
}

std::string per_call(double v) {
    if (v == std::floor(v)) return grouped(uint64_t(v));
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

class Regions {
public:
    explicit Regions(const Json &report) : report_(report) {}
    const Json *find(const std::string &name) const {
        for (const Json &r : report_["regions"])
            if (r["name"] == name && r["calls"].get<uint64_t>() > 0) return &r;
        return nullptr;
    }
    // A phase's p50, "fails (after N)" when every call failed, "-" when it never ran.
    std::string p50(const std::string &name) const {
        const Json *r = find(name);
        if (!r) return "-";
        const std::string cycles = grouped(r->at("cycles").at("p50").get<uint64_t>());
        return r->at("failures") == r->at("calls") ? "fails (after " + cycles + ")" : cycles;
    }
    std::string dtlb_per_call(const std::string &name) const {
        const Json *r = find(name);
        return r ? per_call(r->at("per_call").at("dtlb_misses").get<double>()) : "-";
    }

private:
    const Json &report_;
};

std::string demo_cmdline() {
    const std::string makefile = file_contents(kSourceDir / "Makefile");
    const std::string key = "--cmdline \"";
    const size_t at = makefile.find(key, makefile.find("\ndemo:"));
    if (at == std::string::npos) return "";
    const size_t begin = at + key.size();
    return makefile.substr(begin, makefile.find('"', begin) - begin);
}

TEST(ReadmeBenchTable, IsWhatMakeDemoMeasures) {
    const std::string cmdline = demo_cmdline();
    ASSERT_FALSE(cmdline.empty()) << "no --cmdline in the Makefile's demo target";
    ScratchDir dir;
    auto run = run_ia32emu_args({"run", our_kernel().string(), "--cmdline", cmdline, "--report", dir.file("demo.json").string()});
    ASSERT_EQ(run.exit_status, 0) << run.describe();
    const Json report = Json::parse(file_contents(dir.file("demo.json")));
    const Regions regions(report);

    struct Row {
        const char *label;
        std::string a, b;   // the two cells compared
        bool phases;        // CELL:alloc/touch/free regions; otherwise one touch region each
    };
    const std::vector<Row> rows{
        {"kmalloc / vmalloc of 32 B", "kmalloc/32", "vmalloc/32", true},
        {"__get_free_pages / vmalloc of 4 KiB", "get_free_pages/4096", "vmalloc/4096", true},
        {"__get_free_pages / vmalloc of 64 KiB", "get_free_pages/65536", "vmalloc/65536", true},
        {"one pass over 4 MiB through the direct map / through vmalloc", "touch:direct/4M", "touch:vmalloc/4M", false},
        {"order-4 pages / vmalloc(64 KiB) on fragmented memory", "frag:get_free_pages/65536", "frag:vmalloc/65536", true},
    };
    std::string expected;
    for (const Row &row : rows) {
        auto pair = [](const std::string &a, const std::string &b) { return a + " / " + b; };
        if (row.phases) {
            expected += std::string("| ") + row.label + " | " + pair(regions.p50(row.a + ":alloc"), regions.p50(row.b + ":alloc")) +
                        " | " + pair(regions.p50(row.a + ":touch"), regions.p50(row.b + ":touch")) + " | " +
                        pair(regions.p50(row.a + ":free"), regions.p50(row.b + ":free")) + " | " +
                        pair(regions.dtlb_per_call(row.a + ":touch"), regions.dtlb_per_call(row.b + ":touch")) + " |\n";
        } else {
            expected += std::string("| ") + row.label + " | - | " + pair(regions.p50(row.a), regions.p50(row.b)) + " | - | " +
                        pair(regions.dtlb_per_call(row.a), regions.dtlb_per_call(row.b)) + " |\n";
        }
    }

    const std::string readme = file_contents(kSourceDir / "README.md");
    const std::string header = "| cell | allocate | first touch (a write per 64-byte line) | free | DTLB misses in the touch |\n"
                               "|---|---|---|---|---|\n";
    const size_t table = readme.find(header);
    ASSERT_NE(table, std::string::npos) << "the README's bench table header changed";
    const size_t body = table + header.size();
    const std::string shown = readme.substr(body, readme.find("\n\n", body) + 1 - body);
    EXPECT_EQ(shown, expected) << "README.md's bench table should read:\n" << header << expected;
}

} // namespace
} // namespace ia32emu::test
