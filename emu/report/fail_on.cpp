// Fault kinds are matched by name, exactly: the report's `kind` field is the contract.
#include "emu/report/fail_on.h"

#include <algorithm>
#include <stdexcept>

namespace ia32emu {

const std::vector<FaultKindInfo> &fault_kinds() {
    static const std::vector<FaultKindInfo> kinds = {
        {"any", "every kind below"},
        {"crash", "the run ended in a triple fault, an unhandled CPU error or a wild access"},
        {"dma_rejected", "the DMA engine refused a transfer (rule broken, no byte moved)"},
        {"dma_map_refused", "the guest's DMA API refused a mapping (e.g. of vmalloc memory)"},
        {"dma_api_misuse", "the DMA API was used against its rules (e.g. an unmap of what was never mapped)"},
        {"stale_tlb", "a TLB entry was used after its PTE changed with no flush in between"},
        {"mmu_mismatch", "--check-mmu: the model's translation differs from the engine's"},
        {"region_mismatch", "a region ended that was not open"},
    };
    return kinds;
}

std::vector<std::string> parse_fail_on(std::string_view list) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos)
            comma = list.size();
        std::string kind(list.substr(start, comma - start));
        const auto &known = fault_kinds();
        if (std::none_of(known.begin(), known.end(), [&](const FaultKindInfo &k) { return kind == k.kind; })) {
            std::string names;
            for (const auto &k : known)
                names += (names.empty() ? "" : ", ") + std::string(k.kind);
            throw std::invalid_argument("--fail-on: unknown fault kind '" + kind + "' (known: " + names + ")");
        }
        if (std::find(out.begin(), out.end(), kind) == out.end())
            out.push_back(std::move(kind));
        start = comma + 1;
    }
    return out;
}

bool apply_fail_on(Report &report, const std::vector<std::string> &kinds) {
    ReportFailOn &f = report.exit.fail_on;
    f.kinds = kinds;
    f.matched.clear();
    const bool any = std::find(kinds.begin(), kinds.end(), "any") != kinds.end();
    for (const ReportFault &fault : report.faults) {
        if (!any && std::find(kinds.begin(), kinds.end(), fault.kind) == kinds.end())
            continue;
        auto it = std::find_if(f.matched.begin(), f.matched.end(),
                               [&](const ReportFailOn::Match &m) { return m.kind == fault.kind; });
        if (it == f.matched.end())
            f.matched.push_back({fault.kind, 1});
        else
            it->count += 1;
    }
    return !f.matched.empty();
}

} // namespace ia32emu
