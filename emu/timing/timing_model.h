// The timing model of one run: TLBs, caches, the branch predictor and the cycle clock, driven by
// the engine's events. It never calls the engine; what it needs of the guest (the paging
// registers) comes through GuestView, and what its MMU checks find goes to a TranslationFaultSink.
// Who reads the clock when (tracked calls, regions) is emu/timing/path_probes.h's business.
#pragma once

#include <cstdint>
#include <optional>

#include "emu/cache/memory_system.h"
#include "emu/mmu/page_walker.h"
#include "emu/mmu/stale_tlb_checker.h"
#include "emu/mmu/tlb.h"
#include "emu/mmu/translation_fault_sink.h"
#include "emu/timing/block_decoder.h"
#include "emu/timing/branch_predictor.h"
#include "emu/timing/counter_snapshot.h"
#include "emu/timing/cycle_clock.h"
#include "emu/timing/guest_view.h"
#include "emu/timing/timing_params.h"

namespace ia32emu {

class TimingModel {
public:
    // `ram`/`ram_size`: guest RAM, read by the model's own page walks and stale-PTE checks.
    TimingModel(const TimingParams &params, const uint8_t *ram, uint64_t ram_size, const GuestView &guest,
                TranslationFaultSink &faults);

    // A block is about to run: the conditional branch that ended the last one is resolved by
    // this block's address, so the clock then stands at this block's start.
    void enter_block(const BlockInfo &block) {
        if (pending_branch_)
            resolve_branch(block.pc);
    }
    // Then charges the block's static cost and its instruction fetch.
    void on_block(const BlockInfo &block, bool model_memory);
    // A load or a store that translated `va` to `pa`. Two entry points rather than a flag: a
    // flag that alternates unpredictably between loads and stores cost a host branch
    // misprediction on a third of all accesses.
    void on_data_read(uint32_t va, uint64_t pa, unsigned size);
    void on_data_write(uint32_t va, uint64_t pa, unsigned size);
    void on_invlpg(uint32_t va);
    void on_cr_write(unsigned cr, uint32_t old_value, uint32_t new_value);
    void on_wbinvd();
    // The CPU sat in `hlt` for `cycles`: time passes, nothing retires.
    void on_idle(uint64_t cycles) { clock_.charge(cycles); }
    // An exception or interrupt was delivered through a gate: the pipeline is refilled from the
    // handler (the misprediction penalty) and the microcode pushes the frame (cost.exception, and
    // cost.exception_ring_change when it switched to the ring-0 stack).
    void on_exception_delivered(bool ring_change);
    // A fault stopped the block now running at `eip`, before that instruction completed: the
    // block's schedule from that instruction on is taken back, so a faulting block costs only what
    // ran. An `eip` that is no instruction start of the block changes nothing.
    void on_fault_at(uint32_t eip);
    // The page walker set the Accessed or Dirty bit of the paging entry at `pa`: a locked
    // read-modify-write of the entry (cost.ad_update) that also dirties its cache line.
    void on_paging_entry_update(uint64_t pa, unsigned bytes);
    // A device wrote guest RAM behind the caches.
    void on_dma_write(uint64_t pa, uint64_t len);

    // The TSC an rdtsc at `site` of the block now running reads.
    uint64_t tsc_at(const RdtscSite &site) const { return block_start_cycles_ + site.cycles_through; }

    // MMU cross-check: compare the model's translation with the engine's on every access.
    void set_check_translation(bool on) { check_translation_ = on; }

    uint64_t cycles() const { return clock_.cycles; }
    uint64_t instructions() const { return clock_.instructions; }
    // The running counters a call or region is measured by.
    CounterSnapshot snapshot() const;
    // The block running now; null before the first, and after a fault took back its rest.
    const BlockInfo *current_block() const { return current_block_; }
    // Read-only views for the report (emu/report/timing_report.h).
    const MemorySystem &memory() const { return memory_; }
    const TlbSystem &tlbs() const { return tlbs_; }
    uint64_t page_walks() const { return page_walks_; }
    uint64_t tlb_flushes() const { return tlb_flushes_; }

private:
    template <bool Write>
    [[gnu::always_inline]] void data_access(uint32_t va, uint64_t pa, unsigned size);
    // A TLB hit, or walk_and_fill; `walked` is set when it walked.
    [[gnu::always_inline]] const TlbEntry *translate_for_timing(Tlb &tlb, uint32_t va, AccessKind kind, bool &walked);
    // The miss path, kept out of line so the hit path stays small enough to inline. `held`: the
    // TLB had the page (a write through a clean entry walks again to set Dirty).
    [[gnu::noinline]] const TlbEntry *walk_and_fill(Tlb &tlb, uint32_t va, AccessKind kind, bool held);
    uint32_t charge_walk(const WalkResult &walk);
    // Cycles a data read of `pa` keeps the core waiting, by the rules in timing_model.cpp.
    [[gnu::always_inline]] uint32_t read_cost(const TlbEntry *entry, uint64_t pa, unsigned size);
    // What a read that missed L1 (or an L1 hit in a chasing block) stalls, with the interval
    // bookkeeping; out of line, as most reads hit.
    [[gnu::noinline]] uint32_t read_stall(const ReadCost &c, bool overlap, uint64_t issued);
    [[gnu::always_inline]] uint32_t write_cost(const TlbEntry *entry, uint64_t pa, unsigned size);
    // True, with its cost, when the access bypasses the caches (MMIO, a PCD page).
    bool uncached(const TlbEntry *entry, uint64_t pa, uint32_t &cycles) const;
    // Whether every byte of [pa, end) is RAM the caches hold (not the legacy VGA window).
    bool cacheable_ram(uint64_t pa, uint64_t end) const;
    void resolve_branch(uint32_t pc);
    void fast_string_access(const TlbEntry *entry, uint64_t pa, unsigned size, bool write);
    // --check-mmu: an mmu_mismatch fault when the model's translation is not the engine's.
    [[gnu::noinline]] void check_translation(const TlbEntry &entry, uint32_t va, uint64_t pa);

    const TimingParams params_;
    PhysView ram_;
    const GuestView &guest_;
    TranslationFaultSink &faults_;
    CycleClock clock_;
    TlbSystem tlbs_;
    MemorySystem memory_;
    BranchPredictor branches_;
    // The conditional branch that ended the last block, resolved by the next block's address.
    bool pending_branch_ = false;
    uint32_t pending_branch_pc_ = 0, pending_target_ = 0, pending_fallthrough_ = 0;
    // The out-of-order core's current miss interval (interval model): a miss opens it and stalls
    // the core for its whole latency; a later miss independent of it and within rob_entries
    // instructions was issued while the first was outstanding, so it costs only what it adds
    // beyond the stall already charged. A chasing block's loads overlap at most
    // load_parallelism at a time, and a chasing block closes the interval of the blocks before.
    bool window_open_ = false;
    uint64_t window_insns_ = 0;        // retired instructions when the interval opened
    uint64_t window_stall_ = 0;        // stall cycles charged since
    uint32_t window_block_misses_ = 0; // misses of the current block inside the interval
    // General registers (bit = schedule index) holding values that the interval's misses loaded,
    // or values computed from them: a later block's load addressed through one cannot issue
    // before that miss returns (a pointer chase whose load and use are in different blocks), so
    // such a block closes the interval as a chasing block does.
    uint8_t window_loaded_ = 0;
    // The line the last block fetched last, and the ITLB entry it went through, while neither
    // the ITLB nor L1I has changed since (their change counts): a block fetching that line again
    // is an ITLB hit and an L1I hit on the ways touched last, counted without the lookups.
    struct LastFetch {
        uint64_t line_va = ~uint64_t(0);
        const TlbEntry *entry = nullptr;
        uint64_t itlb_changes = 0;
        uint64_t l1i_changes = 0;
    };
    LastFetch last_fetch_;
    // A fast-string block runs one element per block: the lines its last elements touched, so
    // each destination line is charged once.
    bool in_fast_string_ = false;
    uint64_t string_read_line_ = ~uint64_t(0), string_write_line_ = ~uint64_t(0);

    uint64_t page_walks_ = 0;
    uint64_t tlb_flushes_ = 0;
    uint64_t block_start_cycles_ = 0;
    const BlockInfo *current_block_ = nullptr;
    bool check_translation_ = false;

    StaleTlbChecker stale_;
};

} // namespace ia32emu
