// --folded: the tracked call paths as folded stacks ("outer;inner CYCLES" per line), the input of
// Brendan Gregg's flamegraph.pl and of speedscope, weighted by modelled cycles.
#pragma once

#include <string>

#include "emu/report/report.h"
#include "emu/timing/path_accounting.h"

namespace ia32emu {

inline constexpr const char *kUntrackedFrame = "(outside tracked paths and regions)";

// One line per stack with self cycles, in byte order of the stack; a last kUntrackedFrame line
// holds the run's cycles outside every tracked path and region, so the widths add up to the run.
std::string folded_text(const PathAccounting &paths, const Report &report);

} // namespace ia32emu
