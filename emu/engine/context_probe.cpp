#include "emu/engine/context_probe.h"

#include <unicorn/unicorn.h>

#include <stdexcept>

namespace ia32emu {

ContextProbe::ContextProbe(uint64_t base, std::span<const uint8_t> code) {
    if (uc_open(UC_ARCH_X86, UC_MODE_32, &uc_) != UC_ERR_OK)
        throw std::runtime_error("cannot open a probe engine");
    uc_mem_map(uc_, base, 0x1000, UC_PROT_ALL);
    uc_mem_write(uc_, base, code.data(), code.size());
    uc_context_alloc(uc_, &ctx_);
    size_ = uc_context_size(uc_);
}

ContextProbe::~ContextProbe() {
    uc_context_free(ctx_);
    uc_close(uc_);
}

void ContextProbe::snapshot() {
    uc_context_save(uc_, ctx_);
    const auto *p = reinterpret_cast<const uint8_t *>(ctx_);
    snapshots_.emplace_back(p, p + size_);
}

} // namespace ia32emu
