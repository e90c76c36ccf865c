// The timing model's share of a report: totals, cache and TLB counts, and the tracked paths and
// regions measured on its clock.
#pragma once

#include "emu/report/report.h"
#include "emu/timing/path_accounting.h"
#include "emu/timing/timing_model.h"

namespace ia32emu {

void fill_timing_report(const TimingModel &model, const PathAccounting &paths, Report &report);

} // namespace ia32emu
