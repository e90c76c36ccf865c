// Where the timing model's MMU checks send what they find, for whoever keeps the run's faults:
// the model knows translations, not reports.
#pragma once

#include <cstdint>

#include "emu/mmu/stale_tlb_checker.h"

namespace ia32emu {

class TranslationFaultSink {
public:
    virtual ~TranslationFaultSink() = default;
    // An access to `va` went through a TLB entry whose paging entry the guest had rewritten
    // without invalidating it.
    virtual void stale_tlb(uint32_t va, const StaleTranslation &stale) = 0;
    // --check-mmu: the model translated `va` to `model_pa`, the engine to `engine_pa`.
    virtual void mmu_mismatch(uint32_t va, uint64_t model_pa, uint64_t engine_pa) = 0;
};

} // namespace ia32emu
