// External interrupts at block boundaries, and `hlt` as waiting for one on modelled time.
#include <unicorn/unicorn.h>

#include "emu/engine/cpu_flags_probe.h"
#include "emu/engine/engine.h"

namespace ia32emu {
namespace {

constexpr uint32_t kEflagsIf = 1u << 9;
// A halted CPU whose only events never raise an unmasked request (a masked periodic timer) would
// otherwise idle forever: after this much modelled time without an interrupt, the halt is final.
constexpr uint64_t kMaxIdleSeconds = 60;

} // namespace

void Engine::attach_interrupts(InterruptSource *controller, EventQueue *events) {
    interrupts_ = controller;
    events_ = events;
}

// The instruction after `sti`, `mov ss` or `pop ss` runs before any interrupt (Intel SDM Vol. 3A,
// 6.8.3); QEMU ends the block there and marks the next block, which is the one starting now.
bool Engine::interrupt_window_open() {
    if (interrupts_masked_)
        return false;
    if (!(reg(UC_X86_REG_EFLAGS) & kEflagsIf)) {
        interrupts_masked_ = true;
        return false;
    }
    return !(read_hflags(uc_, context_, hflags_offset_) & kHflagsInhibitIrq);
}

void Engine::take_interrupt() {
    if (!interrupts_->intr())
        return;
    uint8_t vector = interrupts_->acknowledge();
    deliver(Fault{vector, false, 0, 0}, reg(UC_X86_REG_EIP));
}

bool Engine::wait_for_interrupt() {
    if (!interrupts_ || !events_ || !(reg(UC_X86_REG_EFLAGS) & kEflagsIf))
        return false;
    uint64_t limit = now() + kMaxIdleSeconds * uint64_t(setup_.cpu.clock_mhz) * 1'000'000;
    while (!interrupts_->intr()) {
        uint64_t due = events_->next_due();
        if (due == EventQueue::kNever || due > limit)
            return false;
        uint64_t t = now();
        if (due > t) {
            if (timing_)
                timing_->on_idle(due - t);
            else
                idle_cycles_ += due - t;
        }
        events_->run_due(now());
        if (stop_requested_)
            return false;
        if (past_deadline()) {
            stop_for_timeout();
            return false;
        }
    }
    take_interrupt();
    return true;
}

} // namespace ia32emu
