// The first faults of a kind are the ones that explain a bug; later ones add bulk, not insight.
#include "emu/report/fault_log.h"

#include "emu/bounds/host_bounds.h"

namespace ia32emu {

void FaultLog::add(ReportFault fault) {
    uint64_t &kept = kept_per_kind_[fault.kind];
    if (kept >= bounds::kFaultsPerKind) {
        ++dropped_per_kind_[fault.kind];
        return;
    }
    ++kept;
    if (fault.detail.size() > bounds::kFaultDetailBytes) {
        fault.detail.resize(bounds::kFaultDetailBytes);
        fault.detail += " [cut]";
    }
    kept_.push_back(std::move(fault));
}

void FaultLog::count_dropped(std::map<std::string, uint64_t> &dropped) const {
    for (const auto &[kind, n] : dropped_per_kind_)
        dropped["faults." + kind] += n;
}

} // namespace ia32emu
