// Bad input (unreadable, not a report, another schema, an unwritable page) is one line and exit 2.
#include "emu/cli/report_command.h"

#include <cstdio>
#include <iostream>

#include "emu/engine/run_outcome.h"
#include "emu/report/report_csv.h"
#include "emu/report/report_html.h"
#include "emu/report/report_json.h"
#include "emu/report/report_read.h"
#include "emu/report/summary.h"
#include "emu/report/text_escape.h"

namespace ia32emu {

int report_command(const ReportRequest &req) {
    try {
        const Report report = read_report(req.report);
        if (!req.html.empty()) {
            std::error_code ec;
            if (std::filesystem::is_directory(req.html, ec))
                throw ReportError("--html: " + req.html.string() + " is a folder");
            write_file_atomically(req.html, report_html(report, req.report.filename().string()));
        }
        if (req.csv)
            std::cout << report_csv(report);
        else {
            const RunIdentity &run = report.run;
            std::cout << "ran: kernel " << one_line(run.kernel_path) << " (sha256 " << run.kernel_sha256.substr(0, 12)
                      << "), cmdline '" << one_line(run.cmdline) << "', board " << one_line(run.board_name)
                      << " (sha256 " << run.board_sha256.substr(0, 12) << ")";
            if (run.payload_files > 0)
                std::cout << ", initrd and modules " << run.payload_files << " file(s) (sha256 "
                          << run.payload_sha256.substr(0, 12) << ")";
            if (run.serial_input == "terminal")
                std::cout << ", serial input typed at a terminal";
            else if (!run.serial_input.empty())
                std::cout << ", serial input " << one_line(run.serial_input) << " " << run.serial_input_bytes
                          << " bytes (sha256 " << run.serial_input_sha256.substr(0, 12) << ")";
            std::cout << "\n";
            print_summary(std::cout, report);
        }
        std::cout.flush();
        return 0;
    } catch (const ReportError &e) {
        std::fprintf(stderr, "ia32emu: report: %s\n", e.what());
        return kExitBadInput;
    }
}

} // namespace ia32emu
