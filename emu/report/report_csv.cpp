// Per-call columns throughout, as in the summary; totals only where named so.
#include "emu/report/report_csv.h"

#include <cstdio>

#include "emu/report/text_escape.h"

namespace ia32emu {
namespace {

std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

} // namespace

std::string report_csv(const Report &report) {
    const uint32_t mhz = report.totals.clock_mhz;
    std::string out =
        "kind,name,calls,failures,instructions [per call],cycles_total [cycles],cycles_mean [cycles/call],"
        "cycles_p50 [cycles/call],cycles_p99 [cycles/call],cycles_max [cycles/call],modelled_mean [us/call],"
        "modelled_p50 [us/call],l1d_misses [per call],l2_misses [per call],dtlb_misses [per call],"
        "page_walks [per call],tlb_flushes [per call]\n";
    auto rows = [&](const char *kind, const std::vector<PathStats> &entries) {
        for (const PathStats &p : entries) {
            if (!p.calls) continue;
            const double calls = double(p.calls);
            out += std::string(kind) + "," + csv_field(p.name) + "," + std::to_string(p.calls) + "," +
                   std::to_string(p.failures) + "," + num(double(p.instructions) / calls) + "," +
                   std::to_string(p.cycles.total) + "," + num(p.cycles.mean) + "," + std::to_string(p.cycles.p50) +
                   "," + (p.calls >= kMinSamplesForP99 ? std::to_string(p.cycles.p99) : "") + "," +
                   std::to_string(p.cycles.max) + "," + (mhz ? num(p.cycles.mean / mhz) : "") + "," +
                   (mhz ? num(double(p.cycles.p50) / mhz) : "") + "," + num(double(p.l1d_misses) / calls) + "," +
                   num(double(p.l2_misses) / calls) + "," + num(double(p.dtlb_misses) / calls) + "," +
                   num(double(p.page_walks) / calls) + "," + num(double(p.tlb_flushes) / calls) + "\n";
        }
    };
    rows("path", report.paths);
    rows("region", report.regions);
    return out;
}

} // namespace ia32emu
