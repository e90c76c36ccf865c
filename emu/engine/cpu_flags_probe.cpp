// The probe: EIP is found as the 64-bit field that steps 0x1000, 0x1001, 0x1002 across three
// blocks; QEMU's CPUX86State keeps eflags, three condition-code words, cc_op and df after it, and
// then hflags, whose interrupt-shadow bit must be set only in the block that follows `sti`.
#include "emu/engine/cpu_flags_probe.h"

#include "emu/engine/context_probe.h"

#include <unicorn/unicorn.h>

#include <cstring>
#include <stdexcept>

namespace ia32emu {
namespace {

constexpr long kHflagsAfterEip = 48;
constexpr uint64_t kBase = 0x1000;

void probe_block(uc_engine *, uint64_t, uint32_t, void *user) { static_cast<ContextProbe *>(user)->snapshot(); }

} // namespace

long find_hflags_offset() {
    const uint8_t code[] = {0xFB, 0x90, 0x90, 0xF4};  // sti; nop; nop; hlt
    ContextProbe probe(kBase, code);
    uc_hook h;
    uc_hook_add(probe.uc(), &h, UC_HOOK_BLOCK, reinterpret_cast<void *>(&probe_block), &probe, 1, 0);
    uc_emu_start(probe.uc(), kBase, kBase + sizeof code, 0, 0);

    if (probe.snapshots().size() != 3)
        throw std::runtime_error("the CPU-flags probe saw " + std::to_string(probe.snapshots().size()) +
                                 " blocks instead of 3");
    long found = -1;
    for (size_t off = probe.state_offset(); off + kHflagsAfterEip + 4 <= probe.context_size(); off += 4) {
        bool steps = true;
        for (size_t k = 0; k < 3; ++k)
            steps &= probe.field<uint64_t>(k, off) == kBase + k;
        if (!steps)
            continue;
        size_t at = off + kHflagsAfterEip;
        bool shadow_only_after_sti = !(probe.field<uint32_t>(0, at) & kHflagsInhibitIrq) &&
                                     (probe.field<uint32_t>(1, at) & kHflagsInhibitIrq) &&
                                     !(probe.field<uint32_t>(2, at) & kHflagsInhibitIrq);
        if (shadow_only_after_sti) {
            if (found >= 0)
                throw std::runtime_error("the CPU-flags probe found more than one candidate");
            found = long(at);
        }
    }
    if (found < 0)
        throw std::runtime_error("the CPU-flags probe found no candidate");
    return found;
}

uint32_t read_hflags(uc_struct *uc, uc_context *scratch, long offset) {
    uc_context_save(uc, scratch);
    uint32_t v;
    std::memcpy(&v, reinterpret_cast<const uint8_t *>(scratch) + offset, sizeof v);
    return v;
}

void enter_ring0(uc_struct *uc, uc_context *scratch, long offset) {
    uint32_t v = read_hflags(uc, scratch, offset) & ~kHflagsCplMask;
    std::memcpy(reinterpret_cast<uint8_t *>(scratch) + offset, &v, sizeof v);
    uc_context_restore(uc, scratch);
}

} // namespace ia32emu
