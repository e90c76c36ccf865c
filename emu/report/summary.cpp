// Fixed-width table of the report's paths and regions.
#include "emu/report/summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <string>

namespace ia32emu {

namespace {

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

std::string per_call(uint64_t total, uint64_t calls) { return fixed(double(total) / double(calls), 1); }

} // namespace

void print_summary(std::ostream &out, const Report &report) {
    const ReportTotals &t = report.totals;
    out << "ia32emu summary: " << t.instructions << " instructions, " << t.cycles << " cycles";
    if (t.instructions) out << " (" << fixed(double(t.cycles) / double(t.instructions), 1) << " CPI)";
    if (t.clock_mhz)
        out << " = " << fixed(double(t.cycles) / (double(t.clock_mhz) * 1e3), 3) << " ms modelled at " << t.clock_mhz
            << " MHz";
    out << "; L1D " << t.l1d.misses << "/" << t.l1d.accesses << " misses, L2 " << t.l2.misses << "/"
        << t.l2.accesses << ", DTLB " << t.dtlb.misses << "/" << t.dtlb.accesses << ", page walks " << t.page_walks
        << "\n";
    out << "Per call: cycles (cyc) and modelled microseconds (us) by nearest rank, misses averaged over calls; "
           "failed = calls that returned NULL/an error or regions the guest marked failed; p99 needs >= "
        << kMinSamplesForP99 << " calls (- otherwise).\n";

    size_t name_width = 4;
    auto widen = [&](const std::vector<PathStats> &rows) {
        for (const auto &p : rows)
            if (p.calls) name_width = std::max(name_width, p.name.size());
    };
    widen(report.paths);
    widen(report.regions);

    const int w = 11;
    auto row = [&](std::string_view kind, std::string_view name, std::initializer_list<std::string> cells) {
        out << std::left << std::setw(7) << kind << std::setw(int(name_width) + 2) << name << std::right;
        for (const std::string &c : cells) out << std::setw(w) << c;
        out << "\n";
    };
    row("kind", "name",
        {"calls", "failed", "mean cyc", "p50 cyc", "p99 cyc", "mean us", "L1D/call", "L2/call", "DTLB/call"});
    auto rows = [&](std::string_view kind, const std::vector<PathStats> &entries) {
        for (const auto &p : entries) {
            if (!p.calls) continue;
            const bool has_p99 = p.calls >= kMinSamplesForP99;
            row(kind, p.name,
                {std::to_string(p.calls), std::to_string(p.failures), fixed(p.cycles.mean, 1),
                 std::to_string(p.cycles.p50), has_p99 ? std::to_string(p.cycles.p99) : "-",
                 t.clock_mhz ? fixed(p.cycles.mean / double(t.clock_mhz), 3) : "-", per_call(p.l1d_misses, p.calls),
                 per_call(p.l2_misses, p.calls), per_call(p.dtlb_misses, p.calls)});
        }
    };
    rows("path", report.paths);
    rows("region", report.regions);
}

} // namespace ia32emu
