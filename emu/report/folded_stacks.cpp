#include "emu/report/folded_stacks.h"

namespace ia32emu {

std::string folded_text(const PathAccounting &paths, const Report &report) {
    std::string out;
    for (const FoldedStack &s : paths.folded())
        if (s.self_cycles) out += s.stack + " " + std::to_string(s.self_cycles) + "\n";
    if (report.totals.cycles > paths.root_cycles())
        out += std::string(kUntrackedFrame) + " " + std::to_string(report.totals.cycles - paths.root_cycles()) + "\n";
    return out;
}

} // namespace ia32emu
