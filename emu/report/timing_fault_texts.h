// The one-line details of the faults the timing model finds, worded here so that the model deals
// in addresses and values only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ia32emu {

// stale_tlb: an access to `va` used a TLB entry whose PTE at `pte_pa` went from `remembered` to
// `now` with no invalidation since.
std::string stale_tlb_detail(uint32_t va, uint64_t pte_pa, uint64_t remembered, uint64_t now);
// mmu_mismatch (--check-mmu): the model translated `va` to `model_pa`, the engine used `engine_pa`.
std::string mmu_mismatch_detail(uint32_t va, uint64_t model_pa, uint64_t engine_pa);
// region_mismatch: `marker` ("region_end" or "region_fail") named a region that is not open.
std::string region_mismatch_detail(std::string_view marker, std::string_view name);

} // namespace ia32emu
