// Reading a report back: what `ia32emu report` and `ia32emu diff` work from. The JSON a run wrote
// is the source of truth; this turns it into the same Report the run filled.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "emu/report/report.h"

namespace ia32emu {

// ReportError (one line naming the file) when the file cannot be read, is not JSON, has another
// schema than kReportSchema, or lacks a field the schema requires. Host timings, DMA totals and
// faults' structured fields are not read back: nothing that reads a report needs them.
Report read_report(const std::filesystem::path &path);
Report report_from_json(const nlohmann::json &json, const std::string &origin);

} // namespace ia32emu
