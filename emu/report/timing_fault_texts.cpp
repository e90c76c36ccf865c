#include "emu/report/timing_fault_texts.h"

#include <cstdio>

namespace ia32emu {
namespace {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

std::string stale_tlb_detail(uint32_t va, uint64_t pte_pa, uint64_t remembered, uint64_t now) {
    return "access to " + hex32(va) + " used a TLB entry whose PTE at " + hex64(pte_pa) + " was rewritten from " +
           hex64(remembered) + " to " + hex64(now) +
           "; no invalidation dropped the entry since (invlpg, or a CR3 reload for a non-global entry)";
}

std::string mmu_mismatch_detail(uint32_t va, uint64_t model_pa, uint64_t engine_pa) {
    return "model translated " + hex32(va) + " to " + hex64(model_pa) + ", engine used " + hex64(engine_pa);
}

std::string region_mismatch_detail(std::string_view marker, std::string_view name) {
    return std::string(marker) + "(\"" + std::string(name) + "\") with no open region of that name";
}

} // namespace ia32emu
