#include "emu/engine/context_probe.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <stdexcept>

namespace ia32emu {

ContextProbe::ContextProbe(uint64_t base, std::span<const uint8_t> code) {
    if (uc_open(UC_ARCH_X86, UC_MODE_32, &uc_) != UC_ERR_OK)
        throw std::runtime_error("cannot open a probe engine");
    uc_mem_map(uc_, base, 0x1000, UC_PROT_ALL);
    uc_mem_write(uc_, base, code.data(), code.size());
    if (uc_context_alloc(uc_, &ctx_) != UC_ERR_OK) {
        uc_close(uc_);
        throw std::runtime_error("cannot allocate a probe context");
    }
    size_ = uc_context_size(uc_);
    // uc_context_size is the header plus the CPU state, and the header's first word, which
    // uc_context_alloc does write, is the CPU state's size.
    size_t state_size = 0;
    std::memcpy(&state_size, ctx_, sizeof state_size);
    if (state_size == 0 || state_size >= size_ || size_ - state_size > 256) {
        uc_context_free(ctx_);
        uc_close(uc_);
        throw std::runtime_error("Unicorn's saved context has an unexpected layout");
    }
    state_offset_ = size_ - state_size;
    // uc_context_save does not write every byte of the state area (Valgrind traced the
    // uninitialised bytes a scan compared to uc_context_alloc's malloc): zeroed first, what a
    // save leaves alone reads as zero in every snapshot instead of as leftover heap.
    std::memset(reinterpret_cast<uint8_t *>(ctx_) + state_offset_, 0, state_size);
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
