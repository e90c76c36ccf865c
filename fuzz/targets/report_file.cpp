// A report read back by `ia32emu report` (summary, --csv, --html) and `ia32emu diff`: the input is
// the report file; it is also compared with itself, as a diff of two equal runs would.
#include "fuzz/fuzz_target.h"

#include <fstream>
#include <sstream>

#include "emu/report/report_csv.h"
#include "emu/report/report_diff.h"
#include "emu/report/report_html.h"
#include "emu/report/report_json.h"
#include "emu/report/report_read.h"
#include "emu/report/summary.h"

IA32EMU_FUZZ_TARGET(report_file) {
    using namespace ia32emu;
    const std::filesystem::path file = fuzz::scratch_folder() / "report.json";
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char *>(data), std::streamsize(size));
    try {
        const Report report = read_report(file);
        (void)report_csv(report);
        (void)report_html(report, "report.json");
        std::ostringstream summary;
        print_summary(summary, report);
        const DiffThresholds thresholds;
        const DiffResult diff = diff_reports(report, report, thresholds);
        (void)diff_text(diff, thresholds, "a.json", "b.json");
    } catch (const ReportError &e) {
        fuzz::expect_one_line(e);
    }
}
