// Faults as a run collects them, bounded: at most bounds::kFaultsPerKind of each kind are kept,
// each detail cut to bounds::kFaultDetailBytes; the rest are counted per kind for the report's
// "dropped" object.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "emu/report/report.h"

namespace ia32emu {

class FaultLog {
public:
    void add(ReportFault fault);
    const std::vector<ReportFault> &kept() const { return kept_; }
    // Adds "faults.KIND" counts of what was not kept to `dropped`.
    void count_dropped(std::map<std::string, uint64_t> &dropped) const;

private:
    std::vector<ReportFault> kept_;
    std::map<std::string, uint64_t> kept_per_kind_;
    std::map<std::string, uint64_t> dropped_per_kind_;
};

} // namespace ia32emu
