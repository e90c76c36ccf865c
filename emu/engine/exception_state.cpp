// The probe: #DE (contributory) is recorded as 0, a second #DE is promoted to #DF and recorded as 8.
#include "emu/engine/exception_state.h"

#include "emu/engine/context_probe.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <stdexcept>

namespace ia32emu {
namespace {

void probe_interrupt(uc_engine *uc, uint32_t, void *user) {
    auto *probe = static_cast<ContextProbe *>(user);
    probe->snapshot();
    uint32_t eip = 0;
    uc_reg_read(uc, UC_X86_REG_EIP, &eip);
    eip += 2;  // skip `div ecx`
    uc_reg_write(uc, UC_X86_REG_EIP, &eip);
    if (probe->snapshots().size() == 3)
        uc_emu_stop(uc);
}

} // namespace

long find_exception_state_offset() {
    const uint8_t code[] = {0xF7, 0xF1, 0xF7, 0xF1, 0xF4};  // div ecx; div ecx; hlt
    ContextProbe probe(0x1000, code);
    uint32_t zero = 0, esp = 0x1800;
    uc_reg_write(probe.uc(), UC_X86_REG_ECX, &zero);
    uc_reg_write(probe.uc(), UC_X86_REG_ESP, &esp);
    uc_hook h;
    uc_hook_add(probe.uc(), &h, UC_HOOK_INTR, reinterpret_cast<void *>(&probe_interrupt), &probe, 1, 0);
    probe.snapshot();
    uc_emu_start(probe.uc(), 0x1000, 0x1004, 0, 0);

    if (probe.snapshots().size() != 3)
        throw std::runtime_error("the exception-state probe saw " + std::to_string(probe.snapshots().size() - 1) +
                                 " faults instead of 2");
    long found = -1;
    for (size_t off = probe.state_offset(); off + 4 <= probe.context_size(); off += 4) {
        if (probe.field<int32_t>(0, off) == -1 && probe.field<int32_t>(1, off) == 0 &&
            probe.field<int32_t>(2, off) == 8) {
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
