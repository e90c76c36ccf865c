// External interrupts at block boundaries, and `hlt` as waiting for one on modelled time.
#include <unicorn/unicorn.h>

#include <algorithm>
#include <chrono>

#include "emu/engine/cpu_flags_probe.h"
#include "emu/engine/engine.h"

namespace ia32emu {
namespace {

constexpr uint32_t kEflagsIf = 1u << 9;
// A halted CPU whose only events never raise an unmasked request (a masked periodic timer) would
// otherwise idle forever: after this much modelled time without an interrupt, the halt is final.
constexpr uint64_t kMaxIdleSeconds = 60;
// Waits for host input are cut into slices this long, so that a stop signal that lands just before
// a wait begins (and so does not interrupt it) is still seen soon.
constexpr std::chrono::milliseconds kHostInputSlice{100};
constexpr double kNoEventSeconds = 86400;

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
        if (host_input_ && !host_input_->ended()) {
            if (!idle_for_host_input(due))
                return false;
            // Input came first: what it scheduled may be due before `due`.
            if (now() < due)
                continue;
        } else if (due == EventQueue::kNever || due > limit) {
            return false;
        } else {
            idle_until(due);
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

void Engine::idle_until(uint64_t cycle) {
    uint64_t t = now();
    if (cycle <= t)
        return;
    if (timing_)
        timing_->on_idle(cycle - t);
    else
        idle_cycles_ += cycle - t;
}

bool Engine::idle_for_host_input(uint64_t due) {
    using Clock = std::chrono::steady_clock;
    const double hz = double(setup_.cpu.clock_mhz) * 1e6;
    const uint64_t start_cycles = now();
    if (due <= start_cycles)
        return true;
    const Clock::time_point start = Clock::now();
    // Where modelled time stands after the host has waited until `t`, never past `due`.
    auto cycles_at = [&](Clock::time_point t) {
        double waited = std::chrono::duration<double>(t - start).count() * hz;
        return std::min(due, start_cycles + uint64_t(std::min(waited, double(due - start_cycles))));
    };
    // Beyond a day the event counts as never: the wait is then bounded only by the input, a signal
    // or the wall-clock limit.
    const double to_due = due == EventQueue::kNever ? kNoEventSeconds : double(due - start_cycles) / hz;
    const Clock::time_point target =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::min(to_due, kNoEventSeconds)));
    for (;;) {
        if (stop_for_signal())
            return false;
        const Clock::time_point t = Clock::now();
        if (t >= target && to_due < kNoEventSeconds) {
            idle_until(due);
            return true;
        }
        if (past_deadline()) {
            idle_until(cycles_at(t));
            stop_for_timeout();
            return false;
        }
        Clock::time_point until = std::min(target, t + kHostInputSlice);
        if (setup_.timeout_seconds > 0)
            until = std::min(until, deadline_ + std::chrono::microseconds(1));
        if (host_input_->wait(std::chrono::duration_cast<std::chrono::nanoseconds>(until - t))) {
            // Modelled time first, so that the bytes arrive from the moment they came.
            idle_until(cycles_at(Clock::now()));
            host_input_->poll();
            return !stop_requested_;
        }
    }
}

} // namespace ia32emu
