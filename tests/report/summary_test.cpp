// The --summary table: header, one row per path/region with calls, skipped idle paths.
#include "emu/report/summary.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace ia32emu {
namespace {

TEST(ReportSummary, RowsForPathsAndRegionsWithCalls) {
    Report r;
    r.totals.instructions = 200;
    r.totals.cycles = 500;
    r.totals.l1d = {80, 8};
    PathStats kmalloc;
    kmalloc.name = "kmalloc";
    kmalloc.calls = 3;
    kmalloc.cycles = summarize_cycles({10, 20, 31});
    kmalloc.l1d_misses = 5;
    kmalloc.l2_misses = 2;
    kmalloc.dtlb_misses = 1;
    PathStats idle;
    idle.name = "vunmap";
    PathStats region;
    region.name = "kmalloc/a-rather-long-region-name";
    region.calls = 1;
    region.cycles = summarize_cycles({400});
    r.paths = {kmalloc, idle};
    r.regions = {region};

    std::ostringstream out;
    print_summary(out, r);
    std::istringstream lines(out.str());
    std::string totals, header, first, second, extra;
    std::getline(lines, totals);
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_FALSE(std::getline(lines, extra)) << "unexpected row: " << extra;

    EXPECT_NE(totals.find("200 instructions, 500 cycles (2.5 CPI)"), std::string::npos) << totals;
    EXPECT_NE(totals.find("L1D 8/80 misses"), std::string::npos) << totals;
    EXPECT_EQ(header.rfind("kind", 0), 0u);
    EXPECT_NE(header.find("p99"), std::string::npos);
    EXPECT_NE(header.find("DTLB miss"), std::string::npos);

    std::istringstream row(first);
    std::string kind, name, calls, mean, p50, p99, l1d, l2, dtlb;
    row >> kind >> name >> calls >> mean >> p50 >> p99 >> l1d >> l2 >> dtlb;
    EXPECT_EQ(kind, "path");
    EXPECT_EQ(name, "kmalloc");
    EXPECT_EQ(calls, "3");
    EXPECT_EQ(mean, "20.3");
    EXPECT_EQ(p50, "20");
    EXPECT_EQ(p99, "31");
    EXPECT_EQ(l1d, "5");
    EXPECT_EQ(l2, "2");
    EXPECT_EQ(dtlb, "1");
    EXPECT_EQ(second.rfind("region ", 0), 0u);
    EXPECT_NE(second.find("kmalloc/a-rather-long-region-name"), std::string::npos);
    // Columns line up: the header and both rows are equally long.
    EXPECT_EQ(header.size(), first.size());
    EXPECT_EQ(header.size(), second.size());
}

} // namespace
} // namespace ia32emu
