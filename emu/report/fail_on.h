// --fail-on KIND[,KIND]: which recorded faults turn a finished run into a failed one, for CI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emu/report/report.h"

namespace ia32emu {

// Every fault kind a report can hold, with one line on what records it; `any` matches them all.
struct FaultKindInfo {
    const char *kind;
    const char *meaning;
};
const std::vector<FaultKindInfo> &fault_kinds();

// Parses "a,b,c"; throws std::invalid_argument with one line naming an unknown kind and the
// known ones, so that a typo cannot silently turn a CI gate off.
std::vector<std::string> parse_fail_on(std::string_view list);

// Counts the report's faults of the chosen kinds into report.exit.fail_on; true when any matched.
bool apply_fail_on(Report &report, const std::vector<std::string> &kinds);

} // namespace ia32emu
