// `ia32emu report FILE.json [--csv] [--html OUT.html]`: a written report as a table, CSV or page.
#pragma once

#include <filesystem>

namespace ia32emu {

struct ReportRequest {
    std::filesystem::path report;
    bool csv = false;               // CSV on stdout instead of the summary table
    std::filesystem::path html;     // also write the HTML page here when not empty
};

int report_command(const ReportRequest &req);

} // namespace ia32emu
