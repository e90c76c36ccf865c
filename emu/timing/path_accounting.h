// Cycles and misses per tracked function (path) and per guest-marked region, with nesting.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emu/timing/counter_snapshot.h"

namespace ia32emu {

struct CycleSummary {
    uint64_t total = 0;
    double mean = 0;     // total / calls
    uint64_t p50 = 0;    // nearest-rank percentiles, see nearest_rank()
    uint64_t p99 = 0;
    uint64_t max = 0;
};

// A tracked path or region that completed while another one was open: counted in the outer
// one's callees with its inclusive cycles.
struct CalleeStats {
    std::string name;
    uint64_t calls = 0;
    uint64_t cycles = 0;
};

// Calls of one path from one call site (the return address the call pushed).
struct CallSiteStats {
    uint32_t caller = 0;
    std::string symbol;          // filled by whoever knows the guest's symbols, "" until then
    uint64_t calls = 0;
    uint64_t cycles = 0;
};

// What makes a call of a path count as failed, judged from its result (EAX) at return.
enum class FailureRule : uint8_t {
    None,       // the path has no failure result (e.g. a free)
    Zero,       // NULL, or 0 entries mapped
    AllOnes,    // DMA_MAPPING_ERROR
};

struct PathStats {
    std::string name;
    uint64_t calls = 0;          // completed calls; one still open at the end is not counted
    uint64_t failures = 0;       // calls that returned the path's failure result; regions the guest marked failed
    uint64_t instructions = 0;
    CycleSummary cycles;         // inclusive of callees
    uint64_t l1d_misses = 0;
    uint64_t l2_misses = 0;
    uint64_t dtlb_misses = 0;
    uint64_t page_walks = 0;
    uint64_t tlb_flushes = 0;
    uint64_t unwound = 0;        // calls ended by a stack unwind (longjmp-like) rather than their return
    std::vector<CalleeStats> callees;   // sorted by name
    std::vector<CallSiteStats> call_sites;   // paths only; most cycles first
};

// One completed call or region on the modelled-cycle timeline, kept when the timeline is on.
struct TimelineSlice {
    uint32_t entity;             // PathAccounting's reference: see is_region() and name_of()
    uint64_t order;              // opening sequence number, unique in the run
    uint64_t start_cycles = 0;
    uint64_t end_cycles = 0;
    bool failed = false;
    bool unwound = false;
};

// Cycles spent in the innermost entry of one chain of open paths and regions (outermost first,
// names joined by ';'), not in anything tracked nested inside it.
struct FoldedStack {
    std::string stack;
    uint64_t self_cycles = 0;
};

// Nearest-rank percentile of ascending `sorted`: the smallest sample such that at least
// `percent`% of the samples are <= it, i.e. sorted[ceil(percent/100 * n) - 1]. 0 when empty.
uint64_t nearest_rank(std::span<const uint64_t> sorted, unsigned percent);
CycleSummary summarize_cycles(std::vector<uint64_t> samples);
// The same, sorting `samples` where they are: a copy would double the largest structure a guest
// can grow (bounds::kCycleSamples).
CycleSummary summarize_cycles_in_place(std::vector<uint64_t> &samples);

// Tracked calls live on a shadow stack keyed by ESP. A call of a path that is already open
// (recursion, direct or through other paths) is not a call of its own: the outermost call's
// totals hold it, so totals never count the same cycles twice. on_call records the ESP at the function's
// first instruction (pointing at the return address); on_return(esp) closes every open call whose
// frame lies below `esp`, so a longjmp-like unwind that skips returns still closes the calls it
// discarded. Regions are begun and ended by name and nest. The innermost open path or region
// (by opening order) is the parent of a new one. Samples are kept per entity in vectors reserved
// at registration; nothing here runs on the per-access path.
class PathAccounting {
public:
    using PathId = uint32_t;

    explicit PathAccounting(size_t samples_reserved = 4096);

    // Registers a path by name; the same name returns the same id.
    PathId add_path(std::string_view name);
    std::optional<PathId> find_path(std::string_view name) const;

    void set_failure_rule(PathId path, FailureRule rule);

    // `caller`: the return address, by which calls are counted per call site.
    void on_call(PathId path, uint32_t esp, const CounterSnapshot &now, uint32_t caller = 0);
    // Call with ESP after a return; closes the calls below it. Returns how many were closed.
    // `result` (EAX) is judged by the returning path's failure rule; unwound calls never fail.
    unsigned on_return(uint32_t esp, const CounterSnapshot &now, uint32_t result = 0);

    void region_begin(std::string_view name, const CounterSnapshot &now);
    // Ends the innermost open region called `name` (and, as unwound, any region opened inside
    // it that is still open). False when no region of that name is open.
    bool region_end(std::string_view name, const CounterSnapshot &now);
    // Marks the innermost open region called `name` as failed; false when none is open.
    bool region_fail(std::string_view name);

    // Keeps every completed call and region, up to bounds::kTimelineSlices, for --trace.
    void record_timeline();
    const std::vector<TimelineSlice> &timeline() const { return timeline_; }
    // Accumulates self cycles per call stack, up to bounds::kFoldedStacks stacks and
    // bounds::kFoldedStackBytes of their text, for --folded.
    void record_folded();
    // In order of the stack text; the cycles of the whole run outside any tracked path or region
    // are not in it (see root_cycles()).
    std::vector<FoldedStack> folded() const;
    // Inclusive cycles of calls and regions that closed with nothing tracked open around them.
    uint64_t root_cycles() const { return root_cycles_; }
    static bool is_region(uint32_t entity) { return entity & kRegionBit; }
    const std::string &name_of(uint32_t entity) const { return this->entity(entity).name; }

    // Adds what was not kept past the caps of emu/bounds/host_bounds.h: region names, nested
    // region begins, cycle samples, callee entries, timeline slices and folded stacks.
    void count_dropped(std::map<std::string, uint64_t> &dropped) const;

    size_t open_calls() const { return calls_.size(); }
    size_t open_regions() const { return regions_open_.size(); }

    std::vector<PathStats> paths() const;     // in registration order
    std::vector<PathStats> regions() const;   // in order of first begin

private:
    static constexpr uint32_t kRegionBit = 0x8000'0000u;
    static constexpr size_t kReservedRegions = 64;
    static constexpr uint32_t kNoParent = 0xffff'ffffu;

    struct Callee {
        uint32_t entity;
        uint64_t calls = 0, cycles = 0;
    };
    struct Site {
        uint32_t caller;
        uint64_t calls = 0, cycles = 0;
    };
    struct Entity {
        std::string name;
        FailureRule failure_rule = FailureRule::None;
        uint64_t calls = 0, failures = 0, instructions = 0, l1d_misses = 0, l2_misses = 0, dtlb_misses = 0;
        uint64_t page_walks = 0, tlb_flushes = 0, unwound = 0;
        uint64_t cycles_total = 0, cycles_max = 0, completed = 0;   // exact even when samples are dropped
        mutable std::vector<uint64_t> samples;   // their order means nothing: stats() sorts them
        std::vector<Callee> callees;
        std::vector<Site> sites;
    };
    struct Frame {
        uint32_t entity;
        uint32_t parent;
        uint32_t esp;      // for calls only
        uint32_t caller;   // for calls only
        uint64_t order;    // opening sequence number
        uint64_t parent_order;
        bool failed;
        CounterSnapshot start;
        uint32_t stack = kNoStack;   // folded stack id
        uint64_t child_cycles = 0;   // inclusive cycles of tracked entries closed inside it
    };
    static constexpr uint32_t kNoStack = 0xffff'ffffu;
    static constexpr uint64_t kNoOrder = ~0ull;

    Entity &entity(uint32_t ref) { return ref & kRegionBit ? regions_[ref & ~kRegionBit] : paths_[ref]; }
    const Entity &entity(uint32_t ref) const { return ref & kRegionBit ? regions_[ref & ~kRegionBit] : paths_[ref]; }
    uint32_t innermost_open() const;
    const Frame *innermost_frame() const;
    Frame open(uint32_t ref, uint32_t esp, uint32_t caller, const CounterSnapshot &now);
    void close(const Frame &frame, const CounterSnapshot &now, bool unwound);
    Frame *open_frame(uint64_t order);
    uint32_t folded_stack(const Frame *parent, uint32_t entity);
    std::vector<PathStats> stats(const std::vector<Entity> &entities) const;

    size_t samples_reserved_;
    uint64_t next_order_ = 0;
    std::vector<Entity> paths_;
    std::vector<Entity> regions_;
    std::unordered_map<std::string, uint32_t> path_ids_;
    std::unordered_map<std::string, uint32_t> region_ids_;
    std::vector<Frame> calls_;          // shadow call stack, innermost last
    std::vector<Frame> regions_open_;   // open regions, innermost last
    size_t samples_kept_ = 0;
    uint64_t dropped_region_names_ = 0, dropped_region_begins_ = 0, dropped_samples_ = 0, dropped_callees_ = 0;
    uint64_t dropped_call_sites_ = 0;
    bool timeline_on_ = false;
    std::vector<TimelineSlice> timeline_;
    uint64_t dropped_slices_ = 0;
    bool folded_on_ = false;
    std::vector<FoldedStack> stacks_;
    std::unordered_map<std::string, uint32_t> stack_ids_;
    size_t folded_bytes_ = 0;   // text of every stack in stacks_
    uint64_t dropped_stack_calls_ = 0;
    uint64_t root_cycles_ = 0;
};

} // namespace ia32emu
