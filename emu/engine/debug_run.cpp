// Run control for a debugger: where the guest stops, and how it resumes without the timing model
// seeing a block twice. Stops happen at instruction starts only. One found by the block hook comes
// before its block is accounted, so resuming simply runs the block hook again; one found by a code
// hook inside a block comes after, so the block hook of the rest of that block (Unicorn translates
// a new block from the resume address) is skipped. Unicorn's code hooks run before their
// instruction, and a stop requested there stops before it runs.
#include <unicorn/unicorn.h>

#include <algorithm>
#include <cstring>

#include "emu/board/host_memory.h"
#include "emu/engine/engine.h"

namespace ia32emu {
namespace {

constexpr uint32_t kPageMask = 0xFFFu;
// Polling the debugger (a non-blocking poll(2) on its socket) every this many blocks keeps Ctrl-C
// prompt without a system call per block.
constexpr uint32_t kPollBlocks = 1024;

bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen) {
    return uint64_t(a) < uint64_t(b) + blen && uint64_t(b) < uint64_t(a) + alen;
}

} // namespace

void Engine::attach_debugger(Debugger *debugger, bool stop_first) {
    if (!debug_)
        debug_ = std::make_unique<DebugState>();
    debug_->debugger = debugger;
    debug_->stop_first = stop_first;
}

void Engine::set_breakpoint(uint32_t va, bool hardware, bool on) {
    if (!on) {
        debug_->breakpoints.erase(va);
        return;
    }
    debug_->breakpoints[va] = hardware;
    if (debug_->code_hooks.count(va))
        return;
    // A breakpoint inside a block needs a code hook there; the hook stays when the breakpoint goes,
    // since gdb removes and reinserts every breakpoint at each stop.
    uc_hook h = 0;
    if (uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void *>(&Engine::on_debug_code), this, va, va) != UC_ERR_OK)
        return;
    debug_->code_hooks[va] = h;
    // Hooks reach only blocks translated after them; the block holding va may be cached already.
    uc_ctl_remove_cache(uc_, va, uint64_t(va) + 1);
}

void Engine::set_watchpoint(uint32_t va, uint32_t len, WatchKind kind, bool on) {
    auto &w = debug_->watches;
    auto same = [&](const DebugState::Watch &x) { return x.va == va && x.len == len && x.kind == kind; };
    if (on)
        w.push_back({va, len, kind});
    else if (auto it = std::find_if(w.begin(), w.end(), same); it != w.end())
        w.erase(it);
    update_debug_hooks();
}

// Watching needs every access and every instruction start (the stop comes after the accessing
// instruction, as x86 data breakpoints trap); stepping needs every instruction start.
void Engine::update_debug_hooks() {
    const bool watching = !debug_->watches.empty();
    if (watching && !debug_->mem_hook) {
        uc_hook h = 0;
        if (uc_hook_add(uc_, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, reinterpret_cast<void *>(&Engine::on_debug_mem),
                        this, 1, 0) == UC_ERR_OK)
            debug_->mem_hook = h;
    } else if (!watching && debug_->mem_hook) {
        uc_hook_del(uc_, debug_->mem_hook);
        debug_->mem_hook = 0;
    }
    const bool every_insn = watching || debug_->stepping;
    if (every_insn && !debug_->every_insn_hook) {
        uc_hook h = 0;
        if (uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void *>(&Engine::on_debug_code), this, 1, 0) ==
            UC_ERR_OK)
            debug_->every_insn_hook = h;
        // Every cached block must be translated again to call the new hook before each instruction.
        if (watching)
            uc_ctl_flush_tb(uc_);
    } else if (!every_insn && debug_->every_insn_hook) {
        uc_hook_del(uc_, debug_->every_insn_hook);
        debug_->every_insn_hook = 0;
    }
}

bool Engine::debug_boundary(uint32_t pc, bool block_start) {
    DebugState &d = *debug_;
    if (block_start && d.replay_block && pc == d.last_pc) {
        d.replay_block = false;
        return false;
    }
    if (!block_start && d.boundary_open && pc == d.last_pc)
        return false;
    d.last_pc = pc;
    d.boundary_open = true;
    d.replay_block = false;
    if (++d.boundaries == 1)
        return false;
    std::optional<DebugStop> stop;
    if (d.watch_hit) {
        stop = d.watch_hit;
        d.watch_hit.reset();
    } else if (d.stepping) {
        stop = DebugStop{DebugStop::Why::Step};
    } else if (auto it = d.breakpoints.find(pc); it != d.breakpoints.end()) {
        stop = DebugStop{it->second ? DebugStop::Why::HardwareBreakpoint : DebugStop::Why::Breakpoint};
    } else if (block_start && d.debugger && ++d.polls % kPollBlocks == 0 && d.debugger->wants_stop()) {
        stop = DebugStop{DebugStop::Why::Interrupted};
    }
    if (!stop)
        return false;
    stop->eip = pc;
    d.pending = stop;
    d.stopped_inside_block = !block_start;
    uc_emu_stop(uc_);
    return true;
}

void Engine::on_debug_code(uc_struct *, uint64_t address, uint32_t, void *self) {
    auto *e = static_cast<Engine *>(self);
    if (e->debug_ && !e->stop_requested_)
        e->debug_boundary(uint32_t(address), false);
}

void Engine::on_debug_mem(uc_struct *, int type, uint64_t address, int size, int64_t, void *self) {
    auto *e = static_cast<Engine *>(self);
    DebugState &d = *e->debug_;
    if (d.watch_hit)
        return;
    // The access's virtual address, as the timing model's feed finds it (engine/block_hooks.cpp).
    unsigned count = 0;
    const uint32_t *aliases = e->translations_.aliases(address, count);
    uint32_t va = count == 1 ? aliases[0] | uint32_t(address & kPageMask)
                             : count == 0 ? uint32_t(address) : e->resolve_alias(address, aliases, count);
    const bool write = type == UC_MEM_WRITE;
    for (const DebugState::Watch &w : d.watches) {
        if ((w.kind == WatchKind::Write && !write) || (w.kind == WatchKind::Read && write))
            continue;
        if (!overlaps(va, uint32_t(size), w.va, w.len))
            continue;
        DebugStop stop{DebugStop::Why::Watchpoint};
        stop.watch = w.kind;
        stop.watch_address = std::max(va, w.va);
        d.watch_hit = stop;
        return;
    }
}

void Engine::serve_debug_stop() {
    DebugState &d = *debug_;
    DebugStop at = *d.pending;
    d.pending.reset();
    const uint32_t eip = reg(UC_X86_REG_EIP);
    at.eip = eip;
    DebugResume how = DebugResume::Continue;
    if (d.debugger) {
        const auto paused = std::chrono::steady_clock::now();
        how = d.debugger->stopped(at);
        // Time at the prompt is the user's, not the guest's: the wall-clock limit moves on by it.
        deadline_ += std::chrono::steady_clock::now() - paused;
    }
    d.resume_inside_block = d.stopped_inside_block;
    d.resume_pc = reg(UC_X86_REG_EIP);
    d.stopped_inside_block = false;
    d.boundaries = 0;
    d.boundary_open = false;
    d.replay_block = false;
    d.watch_hit.reset();
    switch (how) {
    case DebugResume::Kill:
        stop_signal_number_ = 9;
        stop(StopReason::Signal, "SIGKILL (gdb's kill) at eip=" + crash_line("", nullptr));
        return;
    case DebugResume::Detach:
        d.breakpoints.clear();
        d.watches.clear();
        d.stepping = false;
        break;
    case DebugResume::Continue: d.stepping = false; break;
    case DebugResume::Step: d.stepping = true; break;
    }
    update_debug_hooks();
    // The block holding EIP may be cached from before the step hook existed.
    if (d.stepping)
        uc_ctl_remove_cache(uc_, eip, uint64_t(eip) + 1);
}

void Engine::debug_delivered() {
    if (!debug_ || !debug_->stepping || debug_->pending)
        return;
    debug_->pending = DebugStop{DebugStop::Why::Step};
    debug_->stopped_inside_block = false;
}

namespace {

struct RegId {
    int id;
    unsigned bytes;   // what Unicorn reads or writes for it
};

RegId unicorn_reg(DebugReg r) {
    static const int kGeneral[] = {UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
                                   UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI,
                                   UC_X86_REG_EIP, UC_X86_REG_EFLAGS};
    static const int kSelectors[] = {UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS,
                                     UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS};
    static const int kFpuControl[] = {UC_X86_REG_FPCW, UC_X86_REG_FPSW, UC_X86_REG_FPTAG, UC_X86_REG_FCS,
                                      UC_X86_REG_FIP,  UC_X86_REG_FDS,  UC_X86_REG_FDP,   UC_X86_REG_FOP};
    const unsigned i = unsigned(r);
    if (r <= DebugReg::Eflags)
        return {kGeneral[i], 4};
    if (r <= DebugReg::Gs)
        return {kSelectors[i - unsigned(DebugReg::Cs)], 2};
    if (r <= DebugReg::St7)
        return {UC_X86_REG_FP0 + int(i - unsigned(DebugReg::St0)), 10};
    if (r <= DebugReg::Fop)
        return {kFpuControl[i - unsigned(DebugReg::Fctrl)], 4};
    if (r <= DebugReg::Xmm7)
        return {UC_X86_REG_XMM0 + int(i - unsigned(DebugReg::Xmm0)), 16};
    return {UC_X86_REG_MXCSR, 4};
}

} // namespace

void Engine::read_debug_reg(DebugReg r, uint8_t *out) const {
    RegId id = unicorn_reg(r);
    // gdb's st0 is the top of the x87 stack; Unicorn's FP registers are the physical R0-R7.
    if (r >= DebugReg::St0 && r <= DebugReg::St7)
        id.id = UC_X86_REG_FP0 + int((((reg(UC_X86_REG_FPSW) >> 11) & 7) + unsigned(r) - unsigned(DebugReg::St0)) & 7);
    uint8_t buf[64] = {};
    uc_reg_read(uc_, id.id, buf);
    std::memset(out, 0, debug_reg_size(r));
    std::memcpy(out, buf, std::min(id.bytes, debug_reg_size(r)));
    if (r == DebugReg::Fop)
        out[1] &= 0x07;   // the opcode's 11 bits
}

bool Engine::write_debug_reg(DebugReg r, const uint8_t *in) {
    uint8_t now[16];
    read_debug_reg(r, now);
    if (std::memcmp(now, in, debug_reg_size(r)) == 0)
        return true;
    RegId id = unicorn_reg(r);
    if (r >= DebugReg::St0 && r <= DebugReg::St7)
        id.id = UC_X86_REG_FP0 + int((((reg(UC_X86_REG_FPSW) >> 11) & 7) + unsigned(r) - unsigned(DebugReg::St0)) & 7);
    uint8_t buf[64] = {};
    std::memcpy(buf, in, debug_reg_size(r));
    if (id.bytes == 2 && r <= DebugReg::Gs) {
        uint32_t v = 0;
        std::memcpy(&v, in, 4);
        if (v > 0xffff)
            return false;
        set_reg(id.id, v);
        return true;
    }
    paging_regs_.reset();
    if (uc_reg_write(uc_, id.id, buf) != UC_ERR_OK)
        return false;
    interrupts_masked_ = false;
    // A new EIP starts a fresh block: nothing of the old one is left to skip.
    if (r == DebugReg::Eip)
        debug_->stopped_inside_block = false;
    return true;
}

bool Engine::write_virtual(uint32_t va, const void *in, size_t len) {
    const auto *src = static_cast<const uint8_t *>(in);
    std::vector<std::pair<uint64_t, size_t>> chunks;
    // Every page is translated first, so that a write that fails changes nothing.
    for (uint32_t v = va; len > 0;) {
        size_t chunk = std::min<size_t>(len, 0x1000 - (v & kPageMask));
        auto pa = translate(v);
        if (!pa || !ram_->contains(*pa, chunk))
            return false;
        chunks.emplace_back(*pa, chunk);
        v += uint32_t(chunk);
        len -= chunk;
    }
    for (auto [pa, chunk] : chunks) {
        std::memcpy(ram_->data() + pa, src, chunk);
        // As for a device's write: the CPU runs, and the decoder costs, what is there now.
        invalidate_code(pa, chunk);
        src += chunk;
    }
    return true;
}

} // namespace ia32emu
