// A report's paths and regions as CSV: one row per path or region that was called, the unit of
// each column in its header.
#pragma once

#include <string>

#include "emu/report/report.h"

namespace ia32emu {

std::string report_csv(const Report &report);

} // namespace ia32emu
