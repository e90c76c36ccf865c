// The probe: #DE (contributory) is recorded as 0, a second #DE is promoted to #DF and recorded as 8.
#include "emu/engine/exception_state.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace ia32emu {
namespace {

struct Probe {
    uc_engine *uc = nullptr;
    uc_context *ctx = nullptr;
    std::vector<std::vector<uint8_t>> snapshots;
    size_t size = 0;

    void snapshot() {
        uc_context_save(uc, ctx);
        const auto *p = reinterpret_cast<const uint8_t *>(ctx);
        snapshots.emplace_back(p, p + size);
    }
};

void probe_interrupt(uc_engine *uc, uint32_t, void *user) {
    auto *probe = static_cast<Probe *>(user);
    probe->snapshot();
    uint32_t eip = 0;
    uc_reg_read(uc, UC_X86_REG_EIP, &eip);
    eip += 2;  // skip `div ecx`
    uc_reg_write(uc, UC_X86_REG_EIP, &eip);
    if (probe->snapshots.size() == 3)
        uc_emu_stop(uc);
}

int32_t word_at(const std::vector<uint8_t> &blob, size_t off) {
    int32_t v;
    std::memcpy(&v, blob.data() + off, sizeof v);
    return v;
}

} // namespace

long find_exception_state_offset() {
    Probe probe;
    if (uc_open(UC_ARCH_X86, UC_MODE_32, &probe.uc) != UC_ERR_OK)
        throw std::runtime_error("cannot open a probe engine");
    const uint8_t code[] = {0xF7, 0xF1, 0xF7, 0xF1, 0xF4};  // div ecx; div ecx; hlt
    uc_mem_map(probe.uc, 0x1000, 0x1000, UC_PROT_ALL);
    uc_mem_write(probe.uc, 0x1000, code, sizeof code);
    uint32_t zero = 0, esp = 0x1800;
    uc_reg_write(probe.uc, UC_X86_REG_ECX, &zero);
    uc_reg_write(probe.uc, UC_X86_REG_ESP, &esp);
    uc_hook h;
    uc_hook_add(probe.uc, &h, UC_HOOK_INTR, reinterpret_cast<void *>(&probe_interrupt), &probe, 1, 0);
    uc_context_alloc(probe.uc, &probe.ctx);
    probe.size = uc_context_size(probe.uc);
    probe.snapshot();
    uc_emu_start(probe.uc, 0x1000, 0x1004, 0, 0);
    uc_context_free(probe.ctx);
    uc_close(probe.uc);

    if (probe.snapshots.size() != 3)
        throw std::runtime_error("the exception-state probe saw " + std::to_string(probe.snapshots.size() - 1) +
                                 " faults instead of 2");
    long found = -1;
    for (size_t off = 0; off + 4 <= probe.size; off += 4) {
        if (word_at(probe.snapshots[0], off) == -1 && word_at(probe.snapshots[1], off) == 0 &&
            word_at(probe.snapshots[2], off) == 8) {
            if (found >= 0)
                throw std::runtime_error("the exception-state probe found more than one candidate");
            found = long(off);
        }
    }
    if (found < 0)
        throw std::runtime_error("the exception-state probe found no candidate");
    return found;
}

void clear_exception_state(uc_struct *uc, uc_context *scratch, long offset) {
    uc_context_save(uc, scratch);
    const int32_t none = -1;
    std::memcpy(reinterpret_cast<uint8_t *>(scratch) + offset, &none, sizeof none);
    uc_context_restore(uc, scratch);
}

} // namespace ia32emu
