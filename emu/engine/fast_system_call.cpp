// SYSENTER, the fast system call Linux's vDSO uses on every CPU that reports SEP (Intel SDM
// Vol. 2B, SYSENTER). Unicorn 2.1 only calls the instruction hooks and steps over it, so the hook
// stops the run and the engine makes the transition itself; SYSEXIT is Unicorn's own.
#include <unicorn/unicorn.h>

#include "emu/engine/cpu_flags_probe.h"
#include "emu/engine/engine.h"

namespace ia32emu {
namespace {

constexpr uint32_t kMsrSysenterCs = 0x174, kMsrSysenterEsp = 0x175, kMsrSysenterEip = 0x176;
constexpr uint32_t kGeneralProtection = 13;
constexpr uint32_t kEflagsIf = 1u << 9, kEflagsRf = 1u << 16, kEflagsVm = 1u << 17;
constexpr uint32_t kSysenterLength = 2;  // 0F 34

} // namespace

void Engine::on_sysenter(uc_struct *, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->sysenter_pending_ = true;
    uc_emu_stop(e->uc_);
}

uint32_t Engine::msr(uint32_t index) const {
    uc_x86_msr m{index, 0};
    uc_reg_read(uc_, UC_X86_REG_MSR, &m);
    return uint32_t(m.value);
}

void Engine::enter_sysenter() {
    const uint32_t cs = msr(kMsrSysenterCs) & 0xfffc;
    if (cs == 0) {
        // SYSENTER ends its translation block, so it is the block's last instruction.
        uint32_t at = current_block_ ? current_block_->pc + current_block_->size - kSysenterLength
                                     : reg(UC_X86_REG_EIP) - kSysenterLength;
        deliver(Fault{kGeneralProtection, true, 0, 0}, at);
        return;
    }
    // The SDM loads fixed flat descriptors; Unicorn can only load CS and SS from the GDT, which
    // for Linux (and any kernel that sets IA32_SYSENTER_CS) holds exactly those at CS and CS+8.
    enter_ring0(uc_, context_, hflags_offset_);
    set_reg(UC_X86_REG_SS, cs + 8);
    set_reg(UC_X86_REG_CS, cs);
    set_reg(UC_X86_REG_EFLAGS, reg(UC_X86_REG_EFLAGS) & ~(kEflagsVm | kEflagsIf | kEflagsRf));
    set_reg(UC_X86_REG_ESP, msr(kMsrSysenterEsp));
    set_reg(UC_X86_REG_EIP, msr(kMsrSysenterEip));
}

} // namespace ia32emu
