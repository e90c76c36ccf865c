// Filled from the model's read-only views; the model itself knows nothing of the report's shape.
#include "emu/report/timing_report.h"

namespace ia32emu {

void fill_timing_report(const TimingModel &model, const PathAccounting &paths, Report &report) {
    ReportTotals &t = report.totals;
    t.instructions = model.instructions();
    t.cycles = model.cycles();
    const CacheHierarchy &caches = model.memory().caches();
    auto cache_counts = [](const CacheLevel &c) { return AccessCounts{c.stats().accesses, c.stats().misses}; };
    t.l1i = cache_counts(caches.l1i());
    t.l1d = cache_counts(caches.l1d());
    t.l2 = cache_counts(caches.l2());
    const TlbSystem &tlbs = model.tlbs();
    t.itlb = {tlbs.itlb().first().stats().accesses, tlbs.itlb().first().stats().misses};
    t.dtlb = {tlbs.dtlb().first().stats().accesses, tlbs.dtlb().first().stats().misses};
    t.page_walks = model.page_walks();
    t.tlb_flushes = model.tlb_flushes();
    report.paths = paths.paths();
    report.regions = paths.regions();
    paths.count_dropped(report.dropped);
}

} // namespace ia32emu
