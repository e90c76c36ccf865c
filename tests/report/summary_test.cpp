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
    r.totals.clock_mhz = 1;
    PathStats kmalloc;
    kmalloc.name = "kmalloc";
    kmalloc.calls = 3;
    kmalloc.failures = 1;
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
    std::string totals, meaning, header, first, second, extra;
    std::getline(lines, totals);
    std::getline(lines, meaning);
    std::getline(lines, header);
    std::getline(lines, first);
    std::getline(lines, second);
    EXPECT_FALSE(std::getline(lines, extra)) << "unexpected row: " << extra;

    EXPECT_NE(totals.find("200 instructions, 500 cycles (2.5 CPI)"), std::string::npos) << totals;
    EXPECT_NE(totals.find("L1D 8/80 misses"), std::string::npos) << totals;
    EXPECT_NE(totals.find("= 0.500 ms modelled at 1 MHz"), std::string::npos) << totals;
    EXPECT_NE(meaning.find("p99 needs >= 100 calls"), std::string::npos) << meaning;
    EXPECT_EQ(header.rfind("kind", 0), 0u);
    // Every figure's unit is in its column's name.
    for (const char *column : {"mean cyc", "p99 cyc", "mean us", "L1D/call", "DTLB/call", "failed"})
        EXPECT_NE(header.find(column), std::string::npos) << column;

    std::istringstream row(first);
    std::string kind, name, calls, failed, mean, p50, p99, micros, l1d, l2, dtlb;
    row >> kind >> name >> calls >> failed >> mean >> p50 >> p99 >> micros >> l1d >> l2 >> dtlb;
    EXPECT_EQ(kind, "path");
    EXPECT_EQ(name, "kmalloc");
    EXPECT_EQ(calls, "3");
    EXPECT_EQ(failed, "1");
    EXPECT_EQ(mean, "20.3");
    EXPECT_EQ(p50, "20");
    EXPECT_EQ(p99, "-");   // 3 samples: no p99
    EXPECT_EQ(micros, "20.333");
    EXPECT_EQ(l1d, "1.7");
    EXPECT_EQ(l2, "0.7");
    EXPECT_EQ(dtlb, "0.3");
    EXPECT_EQ(second.rfind("region ", 0), 0u);
    EXPECT_NE(second.find("kmalloc/a-rather-long-region-name"), std::string::npos);
    // Columns line up: the header and both rows are equally long.
    EXPECT_EQ(header.size(), first.size());
    EXPECT_EQ(header.size(), second.size());
}

} // namespace
} // namespace ia32emu
