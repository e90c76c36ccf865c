// Two reports side by side: per path and region, how mean/p50/p99 cycles and the per-call misses
// changed, and which changes are regressions past a threshold (for CI gates).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/report/report.h"

namespace ia32emu {

// `ia32emu diff` exits with this when at least one metric got worse by more than its threshold.
inline constexpr int kExitDiffRegression = 1;
inline constexpr double kDefaultDiffThresholdPercent = 5.0;

// The metrics compared, in output order: cycles per call (mean, p50, p99) and misses per call.
std::vector<std::string_view> diff_metrics();

// What counts as a regression: an increase of more than `percent` of A's value. A metric mapped
// to nullopt is shown but never gates.
struct DiffThresholds {
    double percent = kDefaultDiffThresholdPercent;
    std::map<std::string, std::optional<double>> per_metric;
    std::optional<double> for_metric(std::string_view metric) const;
    // "PCT", "METRIC=PCT" or "METRIC=off"; ReportError naming the problem otherwise.
    void apply(std::string_view option);
    std::string describe() const;
};

struct DiffChange {
    std::string kind;     // "path" or "region"
    std::string name;
    std::string metric;
    double a = 0, b = 0;
    double percent = 0;   // (b - a) / a * 100; infinite when a is 0 and b is not
    bool regression = false;
};

struct DiffResult {
    size_t compared = 0;                 // paths and regions called in both reports
    std::vector<DiffChange> changes;     // every metric that differs, in report order
    std::vector<std::string> only_in_a, only_in_b;   // "path NAME" / "region NAME", called in one only
    size_t regressions() const;
};

// What makes A and B reports of different runs, one phrase each: "kernel (A 3f2a9c01d4e5 k.elf,
// B 77ab10c2e9f0 k2.elf)", "cmdline (A 'x', B 'y')", "board (A pentium-m, B pentium-m:
// cache.l1d.size 32768 -> 4096)"; empty when kernel bytes, command line and board parameters are
// all the same (paths may differ).
std::vector<std::string> run_differences(const Report &a, const Report &b);

// ReportError when the two cannot be compared: they ended differently (one guest exit, one cut
// short), or no path or region was called in both.
DiffResult diff_reports(const Report &a, const Report &b, const DiffThresholds &thresholds);
// The table of changes, the count line, then one "regression: ..." line per regression.
std::string diff_text(const DiffResult &diff, const DiffThresholds &thresholds, std::string_view a_name,
                      std::string_view b_name);

} // namespace ia32emu
