// The per-block and per-access hooks: instruction counting, the instruction budget and the
// wall-clock limit, the timing model's feed, and the code hooks on the few instructions whose
// effect the engine does not report (invlpg, control-register writes, wbinvd, rdtsc).
#include <algorithm>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "emu/engine/engine.h"
#include "emu/board/host_memory.h"

namespace ia32emu {
namespace {

constexpr uint16_t kSpecialFlags = kInsnInvlpg | kInsnCrWrite | kInsnWbinvd | kInsnRdtsc;
constexpr uint32_t kPageMask = 0xFFFu;

} // namespace

const BlockInfo *Engine::block_info(uint32_t pc, uint32_t size, bool &retranslate) {
    retranslate = false;
    if (const BlockInfo *b = blocks_.lookup(pc, size))
        return b;
    std::vector<uint8_t> bytes(size);
    if (!read_virtual(pc, bytes.data(), size))
        return nullptr;
    const BlockInfo &b = blocks_.decode(pc, bytes);
    if (b.flags & kSpecialFlags)
        retranslate = hook_special_instructions(b);
    return &b;
}

bool Engine::hook_special_instructions(const BlockInfo &block) {
    auto reader = [this](uint32_t va, uint8_t *out, size_t len) { return read_virtual(va, out, len); };
    bool added = false;
    auto add = [&](uint32_t at, Special sp) {
        if (specials_.count(at) || stop_requested_)
            return;
        if (specials_.size() >= bounds::kCodeHookSites) {
            request_crash("the guest ran rdtsc, invlpg, wbinvd or mov-to-CR at more than " +
                          std::to_string(bounds::kCodeHookSites) +
                          " distinct addresses, each a code hook of the engine (its bound, bounds::kCodeHookSites)");
            return;
        }
        uc_hook h;
        if (uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void *>(&Engine::on_special), this, at, at) !=
            UC_ERR_OK)
            return;
        sp.hook = h;
        specials_.emplace(at, sp);
        added = true;
    };
    size_t next_rdtsc = 0;
    const uint64_t end = uint64_t(block.pc) + block.size;
    for (uint64_t next = block.pc; next < end;) {
        uint32_t at = uint32_t(next);
        const DecodedInsn *d = operands_.decode(at, reader);
        if (!d || d->size == 0)
            break;
        if (d->id == X86_INS_INVLPG)
            add(at, {SpecialKind::Invlpg, block.pc, {}, block.size, block.bytes_hash});
        else if (d->is_cr_write)
            add(at, {SpecialKind::CrWrite, block.pc, {}, block.size, block.bytes_hash});
        else if (d->id == X86_INS_WBINVD || d->id == X86_INS_INVD)
            add(at, {SpecialKind::Wbinvd, block.pc, {}, block.size, block.bytes_hash});
        else if ((d->id == X86_INS_RDTSC || d->id == X86_INS_RDTSCP) && next_rdtsc < block.rdtsc.size())
            add(at + d->size, {SpecialKind::RdtscResume, block.pc, block.rdtsc[next_rdtsc++], block.size, block.bytes_hash});
        next += d->size;
    }
    return added;
}

namespace {

constexpr size_t kInterceptBits = 1 << 16;

size_t intercept_slot(uint32_t pc) { return (pc ^ (pc >> 16)) & (kInterceptBits - 1); }

} // namespace

void Engine::intercept(uint32_t entry, EntryHandler on_entry) {
    if (intercept_bits_.empty())
        intercept_bits_.assign(kInterceptBits / 64, 0);
    intercepts_[entry] = std::move(on_entry);
    size_t s = intercept_slot(entry);
    intercept_bits_[s / 64] |= 1ull << (s % 64);
}

void Engine::run_intercepts(uint32_t pc) {
    uint32_t sp = esp();
    for (size_t i = pending_returns_.size(); i-- > 0;) {
        if (pending_returns_[i].address == pc && pending_returns_[i].esp == sp) {
            ReturnHandler handler = std::move(pending_returns_[i].handler);
            pending_returns_.erase(pending_returns_.begin() + long(i));
            handler(reg(UC_X86_REG_EAX));
            break;
        }
    }
    auto it = intercepts_.find(pc);
    if (it == intercepts_.end())
        return;
    ReturnHandler on_return = it->second(sp);
    uint32_t ret = 0;
    if (on_return && read_virtual(sp, &ret, sizeof ret)) {
        pending_returns_.push_back({ret, sp + 4, std::move(on_return)});
        size_t s = intercept_slot(ret);
        intercept_bits_[s / 64] |= 1ull << (s % 64);
    }
}

// Unicorn 2.1 does not write the block's address back to EIP when a block hook stops it before
// the block runs if any code hook exists (the rdtsc, invlpg and control-register hooks): EIP then
// still holds the start of an earlier block of the chain. Everything that stops here therefore
// writes EIP itself, so that the run resumes, and an interrupt returns, exactly at this block.
void Engine::stop_before_block(uint32_t pc) {
    set_reg(UC_X86_REG_EIP, pc);
    uc_emu_stop(uc_);
}

void Engine::on_block(uc_struct *, uint64_t address, uint32_t size, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->paging_regs_.reset();
    const uint32_t pc = uint32_t(address);
    if (e->stop_requested_) {
        e->stop_before_block(pc);
        return;
    }
    // A hook cannot be replaced from inside its own call: the run loop renews it and resumes here.
    if (e->translations_under_block_hook_ >= e->setup_.translations_per_block_hook) {
        e->stopped_to_renew_block_hook_ = true;
        e->stop_before_block(pc);
        return;
    }
    if (e->debug_) {
        if (e->debug_boundary(uint32_t(address), true))
            return;
        if (e->debug_->resume_inside_block) {
            e->debug_->resume_inside_block = false;
            if (uint32_t(address) == e->debug_->resume_pc)
                return;
        }
    }
    if (e->events_ && e->now() >= e->events_->next_due())
        e->events_->run_due(e->now());
    if (e->interrupts_ && e->interrupts_->intr() && e->interrupt_window_open()) {
        // Nothing of the block is counted; the run loop delivers the interrupt with this block's
        // address as the return EIP.
        e->interrupt_taken_ = true;
        e->stop_before_block(pc);
        return;
    }
    bool retranslate = false;
    const BlockInfo *info = e->block_info(pc, size, retranslate);
    // The block's code hooks reached their bound: the block must not run without them.
    if (e->stop_requested_) {
        e->stop_before_block(pc);
        return;
    }
    if (retranslate) {
        // The run loop flushes the translations and resumes here.
        e->retranslate_ = true;
        e->retranslate_pc_ = pc;
        e->retranslate_size_ = size;
        if (e->debug_)
            e->debug_->replay_block = true;
        e->stop_before_block(pc);
        return;
    }
    e->current_block_ = info;
    // Capstone's undecoded remainder of a block is unknown, so it may unmask interrupts too.
    if (!info || (info->flags & kInsnMaySetIf) || !info->fully_decoded)
        e->interrupts_masked_ = false;
    if (!e->intercept_bits_.empty()) {
        size_t s = intercept_slot(pc);
        if (e->intercept_bits_[s / 64] & (1ull << (s % 64)))
            e->run_intercepts(pc);
    }
    if (info) {
        e->instructions_ += info->icount;
        if (e->timing_) {
            e->timing_->enter_block(*info);
            e->probes_->on_block(*info);
            e->timing_->on_block(*info, e->model_memory_);
        }
    }
    if (e->over_budget() || e->signal_pending()) {
        e->set_reg(UC_X86_REG_EIP, pc);
        if (!e->stop_if_over_budget())
            e->stop_for_signal();
        return;
    }
    // Reading the clock on every block would dominate a tight loop; every 4096th is plenty, with
    // the reads after slow host work (check_deadline_at_next_block).
    if ((++e->blocks_seen_ % kBlocksPerDeadlineCheck) == 0) {
        if (e->past_deadline()) {
            e->set_reg(UC_X86_REG_EIP, pc);
            e->stop_for_timeout();
        } else {
            if (e->host_input_) {
                e->host_input_->poll();
                // The terminal's escape ended the run: it resumes (for a report) at this block.
                if (e->stop_requested_)
                    e->set_reg(UC_X86_REG_EIP, pc);
            }
            if (e->setup_.tick)
                e->setup_.tick();
        }
    }
}

void Engine::on_special(uc_struct *, uint64_t address, uint32_t, void *self) {
    auto *e = static_cast<Engine *>(self);
    // A debugger's stop here must come before the special's effect, which resuming would repeat.
    if (e->debug_ && e->debug_boundary(uint32_t(address), false))
        return;
    e->count_costly_call();
    auto it = e->specials_.find(uint32_t(address));
    if (it == e->specials_.end())
        return;
    const Special &sp = it->second;
    auto regs = [e](int r) { return e->capstone_register(r); };
    auto reader = [e](uint32_t va, uint8_t *out, size_t len) { return e->read_virtual(va, out, len); };
    switch (sp.kind) {
    case SpecialKind::Invlpg: {
        const DecodedInsn *d = e->operands_.decode(uint32_t(address), reader);
        if (!d || d->mem.empty())
            return;
        uint32_t va = OperandDecoder::evaluate(d->mem.front(), regs, uint32_t(address), d->size);
        e->translations_.on_invlpg(va & ~kPageMask);
        if (e->timing_)
            e->timing_->on_invlpg(va);
        return;
    }
    case SpecialKind::CrWrite: {
        const DecodedInsn *d = e->operands_.decode(uint32_t(address), reader);
        if (!d || !d->is_cr_write)
            return;
        static const int kCr[] = {UC_X86_REG_CR0, UC_X86_REG_CR1, UC_X86_REG_CR2, UC_X86_REG_CR3, UC_X86_REG_CR4};
        if (d->control_register > 4)
            return;
        uint32_t old_value = e->reg(kCr[d->control_register]);
        uint32_t new_value = e->capstone_register(d->source_register);
        // Unicorn drops its whole TLB on these writes; so must the alias bookkeeping.
        if (d->control_register != 2)
            e->translations_.clear();
        if (e->timing_)
            e->timing_->on_cr_write(d->control_register, old_value, new_value);
        // The write itself comes after this hook.
        e->paging_regs_.reset();
        return;
    }
    case SpecialKind::Wbinvd:
        if (e->timing_)
            e->timing_->on_wbinvd();
        return;
    case SpecialKind::RdtscResume: {
        // The guest's RDTSC reads the modelled clock, never the host's.
        uint64_t tsc = e->timing_ ? (e->current_block_ && e->current_block_->pc == sp.block_pc
                                         ? e->timing_->tsc_at(sp.rdtsc)
                                         : e->timing_->cycles())
                                  : e->instructions_;
        e->set_reg(UC_X86_REG_EAX, uint32_t(tsc));
        e->set_reg(UC_X86_REG_EDX, uint32_t(tsc >> 32));
        return;
    }
    }
}

uint32_t Engine::resolve_alias(uint64_t pa, const uint32_t *aliases, unsigned count) {
    auto regs = [this](int r) { return capstone_register(r); };
    auto reader = [this](uint32_t va, uint8_t *out, size_t len) { return read_virtual(va, out, len); };
    uint32_t offset = uint32_t(pa & kPageMask);
    for (uint32_t ea : operands_.candidate_addresses(reg(UC_X86_REG_EIP), regs, reader))
        for (unsigned i = 0; i < count; ++i)
            if ((ea & ~kPageMask) == aliases[i] && (ea & kPageMask) <= offset)
                return aliases[i] | offset;
    return aliases[0] | offset;
}

void Engine::on_mem_empty(uc_struct *, int, uint64_t, int, int64_t, void *) {}

// Unicorn translates code again after the CPU or a device wrote it (QEMU keeps its translations
// coherent with RAM), and for the same address in another address space. The engine's decodes,
// and the code hooks it placed from them, are keyed by address: checking them against the bytes
// whenever a translation is made keeps them coherent as well, at no cost per instruction or per
// store. Otherwise Linux's alternatives, which turn `rdtsc; nop; nop; nop` into `lfence; rdtsc`,
// would leave the rdtsc hook inside the new `lfence` and let the host's TSC through.
void Engine::on_translated(uc_struct *, uc_tb *translated, uc_tb *, void *self) {
    auto *e = static_cast<Engine *>(self);
    e->paging_regs_.reset();
    ++e->translations_under_block_hook_;
    e->revalidate_code(uint32_t(translated->pc), translated->size);
    e->check_deadline_at_next_block();
}

void Engine::revalidate_code(uint32_t pc, uint32_t size) {
    if (size == 0)
        return;
    const uint64_t end = uint64_t(pc) + size;
    operands_.forget_range(pc, end);
    std::vector<uint8_t> bytes(size);
    if (read_virtual(pc, bytes.data(), size))
        blocks_.forget_if_decoded_from_other(pc, bytes);
    for (auto it = specials_.lower_bound(pc); it != specials_.end() && it->first < end;) {
        if (special_still_there(it->second)) {
            ++it;
        } else {
            uc_hook_del(uc_, it->second.hook);
            it = specials_.erase(it);
        }
    }
}

bool Engine::special_still_there(const Special &sp) {
    std::vector<uint8_t> bytes(sp.block_size);
    return read_virtual(sp.block_pc, bytes.data(), bytes.size()) && BlockDecoder::hash_of(bytes) == sp.block_hash;
}

template <bool Write>
inline void Engine::on_data_access(uint64_t address, unsigned size) {
    unsigned count = 0;
    const uint32_t *aliases = translations_.aliases(address, count);
    uint32_t va = count == 1 ? aliases[0] | uint32_t(address & kPageMask)
                             : count == 0 ? uint32_t(address) : resolve_alias(address, aliases, count);
    if constexpr (Write)
        timing_->on_data_write(va, address, size);
    else
        timing_->on_data_read(va, address, size);
    if (watched_count_ != 0) {
        uint64_t pfn = address >> 12;
        if (pfn < watched_frames_.size() * 64 && (watched_frames_[pfn / 64] >> (pfn % 64)) & 1)
            data_watch_(address, size, Write);
    }
}

void Engine::on_mem_read(uc_struct *, int, uint64_t address, int size, int64_t, void *self) {
    static_cast<Engine *>(self)->on_data_access<false>(address, unsigned(size));
}

void Engine::on_mem_write(uc_struct *, int, uint64_t address, int size, int64_t, void *self) {
    static_cast<Engine *>(self)->on_data_access<true>(address, unsigned(size));
}

void Engine::watch_frame(uint64_t pfn, bool watched) {
    if (watched_frames_.empty())
        watched_frames_.assign((ram_->size() / 4096 + 63) / 64, 0);
    if (pfn >= watched_frames_.size() * 64 || !data_watch_)
        return;
    uint64_t &word = watched_frames_[pfn / 64];
    const uint64_t bit = 1ull << (pfn % 64);
    if (bool(word & bit) == watched)
        return;
    word ^= bit;
    watched ? ++watched_count_ : --watched_count_;
}

} // namespace ia32emu
