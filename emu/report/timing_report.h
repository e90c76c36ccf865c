// The timing model's share of a report: totals, cache and TLB counts, tracked paths and regions,
// and the faults the model recorded.
#pragma once

#include "emu/report/report.h"
#include "emu/timing/timing_model.h"

namespace ia32emu {

void fill_timing_report(const TimingModel &model, Report &report);

} // namespace ia32emu
