// The JSON form of a Report and its atomic write to disk.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "emu/report/report.h"

namespace ia32emu {

// A failed write; what() is one line starting "report: " naming the file.
class ReportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Fields in a fixed order: schema, run, board, totals, paths, regions, faults, dma, exit, host. EIPs are
// written as "0x%08x" strings.
nlohmann::ordered_json report_to_json(const Report &report);

// Writes `report` to `path` so that readers see either the old file or the whole new one: a
// temporary file in the same folder, fsync, rename over `path`, fsync of the folder. On failure
// the temporary is removed, `path` is untouched and ReportError is thrown.
void write_report(const std::filesystem::path &path, const Report &report);
// The report as written: indented JSON and a final newline.
std::string report_text(const Report &report);
// The same for any text (used by write_report; exposed for tests and other artefacts).
void write_file_atomically(const std::filesystem::path &path, std::string_view contents);

} // namespace ia32emu
