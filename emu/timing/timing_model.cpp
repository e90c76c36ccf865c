// Costs: a block's static cycles at its start (each instruction's issue slot). On top of them:
// - a read that L1 supplies adds nothing, unless the block chases pointers (BlockInfo::chases):
//   then the next load waits for this one's whole load-to-use latency, less the issue cycle
//   already charged. A read that misses L1 stalls the in-order core until its data arrives; on
//   the out-of-order core independent misses inside the reorder window overlap (the interval
//   members of timing_model.h);
// - a store retires into the store buffer and stalls only while the buffer is full;
// - an instruction fetch adds only what exceeds an L1I hit, fetch being pipelined ahead;
// - a TLB miss pays the walk's own cycles plus its PDE/PTE reads, each a dependent read;
// - a mispredicted conditional branch pays the board's penalty when the next block shows the
//   direction it went;
// - a fast-string rep movs/stos pays per destination line, not per element;
// - uncached RAM and MMIO pay the board's latencies;
// - an exception or interrupt pays the pipeline refill and the gate's microcode; a fault takes
//   back the part of its block's schedule that never ran; the walker's Accessed/Dirty updates
//   each pay a locked read-modify-write.
#include "emu/timing/timing_model.h"

#include <algorithm>
#include <bit>

namespace ia32emu {
namespace {

constexpr uint64_t kVgaWindowStart = 0xA0000, kVgaWindowEnd = 0xC0000;

} // namespace

TimingModel::TimingModel(const TimingParams &params, const uint8_t *ram, uint64_t ram_size, const GuestView &guest,
                         TranslationFaultSink &faults)
    : params_(params), ram_{ram, ram_size}, guest_(guest), faults_(faults), tlbs_(params.tlb),
      memory_(params.cache, params.memory_system), branches_(params.branch), stale_(ram_) {}

CounterSnapshot TimingModel::snapshot() const {
    CounterSnapshot s;
    s.cycles = clock_.cycles;
    s.instructions = clock_.instructions;
    s.l1d_misses = memory_.caches().l1d().stats().misses;
    s.l2_misses = memory_.caches().l2().stats().misses;
    s.dtlb_misses = tlbs_.dtlb().first().stats().misses;
    s.page_walks = page_walks_;
    s.tlb_flushes = tlb_flushes_;
    return s;
}

void TimingModel::resolve_branch(uint32_t pc) {
    pending_branch_ = false;
    // Neither way: an interrupt or exception intervened; the branch is resolved later, unseen.
    // (`&`, not `&&`: which way a branch went is the host's worst-predicted test.)
    if ((pc != pending_target_) & (pc != pending_fallthrough_))
        return;
    clock_.charge(branches_.resolve(pending_branch_pc_, pc == pending_target_));
}

namespace {

// The registers whose values at the end of `block` come from `regs` at its start: bit r is set
// when byte r of carried_from shares a bit with `regs`. Done on all eight bytes at once (asked at
// most blocks while a miss interval is open): each byte folds to its bit 0, and the multiply
// gathers those eight bits into the top byte.
uint8_t carried(const BlockInfo &block, uint8_t regs) {
    constexpr uint64_t kLowBits = 0x0101010101010101ull;
    uint64_t x = std::bit_cast<uint64_t>(block.carried_from) & (regs * kLowBits);
    x |= x >> 4;
    x |= x >> 2;
    x |= x >> 1;
    return uint8_t(((x & kLowBits) * 0x0102040810204080ull) >> 56);
}

} // namespace

void TimingModel::on_block(const BlockInfo &block, bool model_memory) {
    if (current_block_ && window_open_ && clock_.instructions - window_insns_ < params_.core.rob_entries)
        window_loaded_ = uint8_t(carried(*current_block_, window_loaded_) |
                                 (window_block_misses_ ? current_block_->loaded_out : 0));
    else
        window_loaded_ = 0;
    block_start_cycles_ = clock_.cycles;
    current_block_ = &block;
    pending_branch_ = block.conditional_branch;
    pending_branch_pc_ = block.branch_pc;
    pending_target_ = block.branch_target;
    pending_fallthrough_ = block.pc + block.size;
    window_block_misses_ = 0;
    if (block.chases || (block.address_from & window_loaded_))
        window_open_ = false;
    bool fast_string = model_memory && params_.strings.fast && (block.flags & kInsnFastString) && block.icount == 1;
    if (fast_string && !in_fast_string_)
        string_read_line_ = string_write_line_ = ~uint64_t(0);
    in_fast_string_ = fast_string;
    // A fast string's cost is charged per line as its elements reach new lines.
    clock_.retire(block.icount, fast_string ? 0 : block.static_cycles);
    if (!model_memory || block.size == 0)
        return;
    uint32_t line = params_.cache.l1i.line_bytes;
    uint32_t first = block.pc & ~(line - 1);
    uint32_t l1i_latency = memory_.caches().l1i().latency();
    TlbLevel &itlb = tlbs_.itlb().first();
    const TlbEntry *entry = nullptr;
    bool entry_from_first_level = false;
    // 64-bit, so that a block ending at the top of the address space does not wrap to address 0.
    const uint64_t end = uint64_t(block.pc) + block.size;
    for (uint64_t line_va = first; line_va < end; line_va += line) {
        uint32_t va = uint32_t(line_va);
        const bool new_page = !entry || (va & ~((1u << entry->page_shift) - 1)) != entry->va_base;
        if (line_va == last_fetch_.line_va && itlb.changes() == last_fetch_.itlb_changes &&
            memory_.caches().l1i().changes() == last_fetch_.l1i_changes) {
            // What the lookups below would find: the ITLB's last entry, L1I's last line (no charge).
            if (new_page) {
                entry = last_fetch_.entry;
                entry_from_first_level = true;
                itlb.count_repeat_hit();
                clock_.charge(itlb.hit_latency());
            }
            memory_.caches().refetch_last_line();
            continue;
        }
        last_fetch_.line_va = ~uint64_t(0);
        if (new_page) {
            TlbLookup hit = tlbs_.itlb().lookup(va);
            entry_from_first_level = hit.level == 1;
            if (hit.entry) {
                clock_.charge(hit.cycles);
                entry = hit.entry;
            } else if (!(entry = walk_and_fill(tlbs_.itlb(), va, AccessKind::Fetch, false))) {
                return;
            }
        }
        uint64_t pa = entry->translate(uint32_t(va));
        uint32_t cost = 0;
        if (uncached(entry, pa, cost)) {
            clock_.charge(cost > l1i_latency ? cost - l1i_latency : 0);
            continue;
        }
        cost = memory_.fetch(pa, line, clock_.cycles).cycles;
        clock_.charge(cost > l1i_latency ? cost - l1i_latency : 0);
        // Whatever this fetch did, L1I's last line is now this one; the ITLB's last entry is this
        // page's only when it came from the first level (a second-level or walked entry may live
        // in the second level alone).
        if (entry_from_first_level)
            last_fetch_ = {line_va, entry, itlb.changes(), memory_.caches().l1i().changes()};
    }
}

inline const TlbEntry *TimingModel::translate_for_timing(Tlb &tlb, uint32_t va, AccessKind kind, bool &walked) {
    TlbLookup hit = tlb.lookup(va);
    if (hit.entry && !(kind == AccessKind::Write && !hit.entry->flags.dirty)) {
        clock_.charge(hit.cycles);
        return hit.entry;
    }
    walked = true;
    return walk_and_fill(tlb, va, kind, hit.entry != nullptr);
}

const TlbEntry *TimingModel::walk_and_fill(Tlb &tlb, uint32_t va, AccessKind kind, bool held) {
    PagingRegs regs = guest_.paging();
    WalkResult walk = walk_page_tables(ram_, regs, va, kind, Privilege::Supervisor);
    if (!walk.ok())
        return nullptr;
    if (regs.cr0 & kCr0Pg) {
        ++page_walks_;
        // The walk starts only once the second level has missed too: its lookup is paid as well
        // (7-cpu's N270 table: an L2-TLB miss adds 16 cycles on top of the L1-TLB miss's 7).
        uint32_t second_lookup = params_.tlb.has_stlb && !held ? params_.tlb.stlb.hit_latency : 0;
        clock_.charge(second_lookup + charge_walk(walk));
    }
    TlbEntry fill = tlb_entry_from_walk(va, walk);
    fill.cached_ram = !fill.flags.pcd && cacheable_ram(fill.pa_base, fill.pa_base + (uint64_t(1) << fill.page_shift));
    const TlbEntry *filled = tlb.insert(fill, va);
    // With paging off there is no PTE behind the entry, so no write can make it stale.
    if (filled && (regs.cr0 & kCr0Pg))
        stale_.on_fill(*filled);
    return filled;
}

uint32_t TimingModel::charge_walk(const WalkResult &walk) {
    uint32_t cycles = params_.page_walk_cycles;
    for (unsigned i = 0; i < walk.num_reads; ++i) {
        const EntryRead &r = walk.reads[i];
        if (r.level == EntryLevel::Pdpte)
            continue;  // loaded into registers at MOV CR3 on real parts
        cycles += r.uncached ? params_.uncached_latency : memory_.read(r.pa, r.bytes, clock_.cycles + cycles).cycles;
    }
    return cycles;
}

// The legacy VGA window is device memory even where RAM lies under it.
inline bool TimingModel::cacheable_ram(uint64_t pa, uint64_t end) const {
    return end <= ram_.size && (end <= kVgaWindowStart || pa >= kVgaWindowEnd);
}

inline bool TimingModel::uncached(const TlbEntry *entry, uint64_t pa, uint32_t &cycles) const {
    if (entry && entry->cached_ram)
        return false;
    if (!cacheable_ram(pa, pa + 1) && !(pa >= 0xF0000 && pa < 0x100000) && pa < 0xFFFF0000ull) {
        cycles = params_.mmio_latency;
        return true;
    }
    if (entry && entry->flags.pcd) {
        cycles = params_.uncached_latency;
        return true;
    }
    return false;
}

inline uint32_t TimingModel::read_cost(const TlbEntry *entry, uint64_t pa, unsigned size) {
    uint32_t cycles = 0;
    if (uncached(entry, pa, cycles))
        return cycles;
    const bool chasing = current_block_ && current_block_->chases;
    bool overlap = false;
    uint64_t issued = 0;
    // Asked only when the read can stall, which an L1 hit outside a chasing block cannot.
    auto issue = [&] {
        overlap = params_.core.out_of_order && window_open_ &&
                  clock_.instructions - window_insns_ < params_.core.rob_entries &&
                  (!chasing || window_block_misses_ < current_block_->load_parallelism);
        // An overlapping miss was issued before the stall already charged, and the bus sees it then.
        issued = overlap ? clock_.cycles - std::min(window_stall_, clock_.cycles) : clock_.cycles;
        return issued;
    };
    ReadCost c = memory_.read_issued_at(pa, size, issue);
    if (c.l1_hit) {
        if (!chasing)
            return 0;
        issue();
    }
    return read_stall(c, overlap, issued);
}

uint32_t TimingModel::read_stall(const ReadCost &c, bool overlap, uint64_t issued) {
    const uint32_t stall = c.cycles > params_.cost.load ? c.cycles - params_.cost.load : 0;
    if (!params_.core.out_of_order || stall == 0)
        return stall;
    if (!overlap) {
        window_open_ = true;
        window_insns_ = clock_.instructions;
        window_stall_ = stall;
        window_block_misses_ = 1;
        // What the closed interval loaded has arrived by now: a load addressed by it may overlap.
        window_loaded_ = 0;
        return stall;
    }
    const uint64_t done = issued + stall;
    const uint32_t extra = done > clock_.cycles ? uint32_t(done - clock_.cycles) : 0;
    window_stall_ += extra;
    ++window_block_misses_;
    return extra;
}

[[gnu::always_inline]] inline uint32_t TimingModel::write_cost(const TlbEntry *entry, uint64_t pa, unsigned size) {
    uint32_t cycles = 0;
    if (uncached(entry, pa, cycles))
        return cycles;
    return memory_.write(pa, size, clock_.cycles);
}

void TimingModel::fast_string_access(const TlbEntry *entry, uint64_t pa, unsigned size, bool write) {
    uint32_t cycles = 0;
    if (uncached(entry, pa, cycles)) {
        clock_.charge(cycles);
        return;
    }
    uint64_t line = pa / params_.cache.l1d.line_bytes;
    if (write) {
        if (line == string_write_line_)
            return;
        string_write_line_ = line;
        clock_.charge(params_.strings.line_cycles + memory_.write(pa, size, clock_.cycles));
    } else {
        if (line == string_read_line_)
            return;
        string_read_line_ = line;
        ReadCost c = memory_.read(pa, size, clock_.cycles);
        clock_.charge(c.l1_hit ? 0 : c.cycles);
    }
}

void TimingModel::check_translation(const TlbEntry &entry, uint32_t va, uint64_t pa) {
    // A stale entry legitimately disagrees with the engine, which drops global entries on
    // CR3 writes where hardware keeps them; stale_tlb reports that case.
    if (entry.translate(va) == pa || !(guest_.paging().cr0 & kCr0Pg) || stale_.rewritten_pte(entry))
        return;
    faults_.mmu_mismatch(va, entry.translate(va), pa);
}

template <bool Write>
inline void TimingModel::data_access(uint32_t va, uint64_t pa, unsigned size) {
    constexpr AccessKind kind = Write ? AccessKind::Write : AccessKind::Read;
    bool walked = false;
    const TlbEntry *entry = translate_for_timing(tlbs_.dtlb(), va, kind, walked);
    if constexpr (Write)
        stale_.on_write(pa, size, tlbs_.dtlb());
    if (entry) {
        if (!walked)
            if (std::optional<StaleTranslation> stale = stale_.on_hit(*entry, [this] { return guest_.paging(); }))
                faults_.stale_tlb(va, *stale);
        if (check_translation_)
            check_translation(*entry, va, pa);
    }
    if (in_fast_string_)
        fast_string_access(entry, pa, size, Write);
    else if constexpr (Write)
        clock_.charge(write_cost(entry, pa, size));
    else
        clock_.charge(read_cost(entry, pa, size));
}

void TimingModel::on_data_read(uint32_t va, uint64_t pa, unsigned size) { data_access<false>(va, pa, size); }

void TimingModel::on_data_write(uint32_t va, uint64_t pa, unsigned size) { data_access<true>(va, pa, size); }

void TimingModel::on_invlpg(uint32_t va) {
    tlbs_.invlpg(va);
    stale_.on_invlpg(va);
    ++tlb_flushes_;
}

void TimingModel::on_cr_write(unsigned cr, uint32_t old_value, uint32_t new_value) {
    constexpr uint32_t kCr4PagingBits = kCr4Pse | kCr4Pae | kCr4Pge;
    if (cr == 3) {
        tlbs_.flush(guest_.paging().cr4 & kCr4Pge);
        ++tlb_flushes_;
    } else if ((cr == 0 && ((old_value ^ new_value) & kCr0Pg)) ||
               (cr == 4 && ((old_value ^ new_value) & kCr4PagingBits))) {
        tlbs_.flush_all();
        ++tlb_flushes_;
    }
}

void TimingModel::on_exception_delivered(bool ring_change) {
    // The interrupted flow's pending branch is never resolved by the handler's first block.
    pending_branch_ = false;
    window_open_ = false;
    clock_.charge(uint64_t(params_.branch.mispredict_penalty) + params_.cost.exception +
                  (ring_change ? params_.cost.exception_ring_change : 0));
}

void TimingModel::on_fault_at(uint32_t eip) {
    const BlockInfo *block = current_block_;
    if (!block || eip < block->pc || eip - block->pc >= block->size)
        return;
    const uint32_t offset = eip - block->pc;
    auto at = std::find_if(block->insns.begin(), block->insns.end(),
                           [offset](const InsnStart &i) { return i.offset == offset; });
    if (at == block->insns.end())
        return;
    const uint64_t ran = uint64_t(at - block->insns.begin());
    pending_branch_ = false;
    clock_.instructions -= block->icount - ran;
    // A fast-string block was charged by line, not by its schedule.
    if (!in_fast_string_)
        clock_.cycles -= block->static_cycles - at->cycles_before;
    // Only once: the handler's blocks follow, and a second report of the same fault is not news.
    current_block_ = nullptr;
}

void TimingModel::on_paging_entry_update(uint64_t pa, unsigned bytes) {
    clock_.charge(params_.cost.ad_update);
    uint32_t cycles = 0;
    if (!uncached(nullptr, pa, cycles))
        cycles = memory_.write(pa, bytes, clock_.cycles);
    clock_.charge(cycles);
}

void TimingModel::on_wbinvd() { memory_.caches().write_back_and_invalidate(); }

void TimingModel::on_dma_write(uint64_t pa, uint64_t len) { memory_.caches().invalidate(pa, len); }

} // namespace ia32emu
