// Collect: every point's status and report into one CSV (a row per point and path/region, plus a
// row of the run's totals) and one self-contained HTML page plotting a metric against each swept
// parameter. Host timings are left out, so the same sweep gives byte-identical files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "emu/sweep/sweep_folder.h"

namespace ia32emu {

// The numeric columns, which are also the metrics the HTML page can plot.
std::vector<std::string_view> sweep_metrics();
inline constexpr std::string_view kDefaultSweepMetric = "cycles_p50";

struct SweepTables {
    std::string csv;
    std::string html;
    size_t ok = 0, failed = 0, missing = 0;   // points by status; missing: no status yet
};

// SweepError for an unknown metric or a report of the right schema with fields missing; a report
// that does not parse (or a point with no status yet) gives one row with the status and no numbers.
SweepTables collect_sweep(const std::filesystem::path &sweep_dir, const SweepManifest &manifest,
                          std::string_view metric);
// collect_sweep, then results.csv and results.html written atomically into the folder.
SweepTables collect_sweep_to_files(const std::filesystem::path &sweep_dir, std::string_view metric);

} // namespace ia32emu
