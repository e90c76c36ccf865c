// --trace: the run as Chrome trace-event JSON (chrome://tracing, Perfetto): tracked calls and
// regions as complete slices on the modelled-cycle timeline, faults as instant events.
#pragma once

#include <string>

#include "emu/report/report.h"
#include "emu/timing/path_accounting.h"

namespace ia32emu {

inline constexpr const char *kTraceSchema = "ia32emu-trace/1";

// Timestamps are modelled microseconds (cycles / the report's clock_mhz); every event carries its
// exact cycle counts in args. Regions are thread 1, tracked calls thread 2 (each nests properly
// on its own), faults thread 3. Slices are ordered by start, the outer one first. The text
// depends only on the run's modelled behaviour, never on the host.
std::string trace_json(const PathAccounting &paths, const Report &report);

} // namespace ia32emu
