// Fixed-width table of the report's paths and regions.
#include "emu/report/summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <string>

namespace ia32emu {

namespace {

std::string fixed1(double v) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << v;
    return s.str();
}

} // namespace

void print_summary(std::ostream &out, const Report &report) {
    const ReportTotals &t = report.totals;
    out << "ia32emu summary: " << t.instructions << " instructions, " << t.cycles << " cycles";
    if (t.instructions) out << " (" << fixed1(double(t.cycles) / double(t.instructions)) << " CPI)";
    out << "; L1D " << t.l1d.misses << "/" << t.l1d.accesses << " misses, L2 " << t.l2.misses << "/"
        << t.l2.accesses << ", DTLB " << t.dtlb.misses << "/" << t.dtlb.accesses << ", page walks " << t.page_walks
        << "\n";

    size_t name_width = 4;
    auto widen = [&](const std::vector<PathStats> &rows) {
        for (const auto &p : rows)
            if (p.calls) name_width = std::max(name_width, p.name.size());
    };
    widen(report.paths);
    widen(report.regions);

    const int w = 11;
    auto row = [&](std::string_view kind, std::string_view name, const std::string &calls, const std::string &mean,
                   const std::string &p50, const std::string &p99, const std::string &l1d, const std::string &l2,
                   const std::string &dtlb) {
        out << std::left << std::setw(7) << kind << std::setw(int(name_width) + 2) << name << std::right
            << std::setw(w) << calls << std::setw(w) << mean << std::setw(w) << p50 << std::setw(w) << p99
            << std::setw(w) << l1d << std::setw(w) << l2 << std::setw(w) << dtlb << "\n";
    };
    row("kind", "name", "calls", "mean", "p50", "p99", "L1D miss", "L2 miss", "DTLB miss");
    auto rows = [&](std::string_view kind, const std::vector<PathStats> &entries) {
        for (const auto &p : entries) {
            if (!p.calls) continue;
            row(kind, p.name, std::to_string(p.calls), fixed1(p.cycles.mean), std::to_string(p.cycles.p50),
                std::to_string(p.cycles.p99), std::to_string(p.l1d_misses), std::to_string(p.l2_misses),
                std::to_string(p.dtlb_misses));
        }
    };
    rows("path", report.paths);
    rows("region", report.regions);
}

} // namespace ia32emu
