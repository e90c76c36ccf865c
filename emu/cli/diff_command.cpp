#include "emu/cli/diff_command.h"

#include <cstdio>
#include <iostream>

#include "emu/engine/run_outcome.h"
#include "emu/report/report_diff.h"
#include "emu/report/report_json.h"
#include "emu/report/report_read.h"

namespace ia32emu {

int diff_command(const DiffRequest &req) {
    try {
        DiffThresholds thresholds;
        for (const std::string &t : req.thresholds) thresholds.apply(t);
        const Report a = read_report(req.a), b = read_report(req.b);
        std::string differences;
        for (const std::string &d : run_differences(a, b)) differences += (differences.empty() ? "" : "; ") + d;
        if (!differences.empty() && !req.force)
            throw ReportError("A and B are reports of different runs: " + differences +
                              "; --force compares them anyway");
        const DiffResult diff = diff_reports(a, b, thresholds);
        std::string text = diff_text(diff, thresholds, req.a.string(), req.b.string());
        if (!differences.empty())
            text.insert(text.find('\n') + 1, "note: different runs, compared because of --force: " + differences + "\n");
        std::cout << text;
        std::cout.flush();
        return diff.regressions() ? kExitDiffRegression : 0;
    } catch (const ReportError &e) {
        std::fprintf(stderr, "ia32emu: diff: %s\n", e.what());
        return kExitBadInput;
    }
}

} // namespace ia32emu
