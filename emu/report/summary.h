// The --summary table: paths and regions with calls, cycle statistics and misses, for a terminal.
#pragma once

#include <ostream>

#include "emu/report/report.h"

namespace ia32emu {

// Totals first, then one row per path and per region that completed at least one call, in the
// report's order. Deterministic: no host figures are printed.
void print_summary(std::ostream &out, const Report &report);

} // namespace ia32emu
