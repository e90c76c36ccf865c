// The shadow call stack, region nesting, callee attribution and nearest-rank cycle summaries.
#include "emu/timing/path_accounting.h"

#include <algorithm>

#include "emu/bounds/host_bounds.h"

namespace ia32emu {

uint64_t nearest_rank(std::span<const uint64_t> sorted, unsigned percent) {
    if (sorted.empty()) return 0;
    uint64_t n = sorted.size();
    uint64_t rank = (uint64_t(percent) * n + 99) / 100;   // ceil(percent * n / 100)
    rank = std::clamp<uint64_t>(rank, 1, n);
    return sorted[rank - 1];
}

CycleSummary summarize_cycles(std::vector<uint64_t> samples) { return summarize_cycles_in_place(samples); }

CycleSummary summarize_cycles_in_place(std::vector<uint64_t> &samples) {
    CycleSummary s;
    if (samples.empty()) return s;
    std::sort(samples.begin(), samples.end());
    for (uint64_t v : samples) s.total += v;
    s.mean = double(s.total) / double(samples.size());
    s.p50 = nearest_rank(samples, 50);
    s.p99 = nearest_rank(samples, 99);
    s.max = samples.back();
    return s;
}

PathAccounting::PathAccounting(size_t samples_reserved) : samples_reserved_(samples_reserved) {
    // Deep enough for any kernel call chain we track, so pushes do not reallocate in practice.
    calls_.reserve(256);
    regions_open_.reserve(64);
}

PathAccounting::PathId PathAccounting::add_path(std::string_view name) {
    auto [it, inserted] = path_ids_.try_emplace(std::string(name), uint32_t(paths_.size()));
    if (inserted) {
        paths_.emplace_back().name = std::string(name);
        paths_.back().samples.reserve(samples_reserved_);
    }
    return it->second;
}

std::optional<PathAccounting::PathId> PathAccounting::find_path(std::string_view name) const {
    auto it = path_ids_.find(std::string(name));
    if (it == path_ids_.end()) return std::nullopt;
    return it->second;
}

const PathAccounting::Frame *PathAccounting::innermost_frame() const {
    const Frame *call = calls_.empty() ? nullptr : &calls_.back();
    const Frame *region = regions_open_.empty() ? nullptr : &regions_open_.back();
    if (call && region) return call->order > region->order ? call : region;
    return call ? call : region;
}

uint32_t PathAccounting::innermost_open() const {
    const Frame *f = innermost_frame();
    return f ? f->entity : kNoParent;
}

PathAccounting::Frame PathAccounting::open(uint32_t ref, uint32_t esp, uint32_t caller, const CounterSnapshot &now) {
    const Frame *parent = innermost_frame();
    Frame frame{ref,   parent ? parent->entity : kNoParent, esp, caller, next_order_++, parent ? parent->order : kNoOrder,
                false, now};
    if (folded_on_) frame.stack = folded_stack(parent, ref);
    return frame;
}

// A folded-stack frame name may not hold the format's separators: ';' between frames, a line
// break between stacks.
uint32_t PathAccounting::folded_stack(const Frame *parent, uint32_t ref) {
    if (parent && parent->stack == kNoStack) return kNoStack;
    std::string text = parent ? stacks_[parent->stack].stack + ";" : std::string();
    for (char c : entity(ref).name) text += c == ';' || c == '\n' || c == '\r' ? '_' : c;
    auto found = stack_ids_.find(text);
    if (found != stack_ids_.end()) return found->second;
    // A stack's text grows with its depth: a guest nesting 256 regions of 63-character names
    // under distinct leaves made 1 GB of stacks, held twice over (the text and its index).
    if (stacks_.size() >= bounds::kFoldedStacks || folded_bytes_ + text.size() > bounds::kFoldedStackBytes)
        return kNoStack;
    folded_bytes_ += text.size();
    stack_ids_.emplace(text, uint32_t(stacks_.size()));
    stacks_.push_back(FoldedStack{std::move(text), 0});
    return uint32_t(stacks_.size() - 1);
}

PathAccounting::Frame *PathAccounting::open_frame(uint64_t order) {
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
        if (it->order == order) return &*it;
    for (auto it = regions_open_.rbegin(); it != regions_open_.rend(); ++it)
        if (it->order == order) return &*it;
    return nullptr;
}

void PathAccounting::record_timeline() {
    timeline_on_ = true;
    timeline_.reserve(std::min<size_t>(bounds::kTimelineSlices, 1u << 14));
}

void PathAccounting::record_folded() { folded_on_ = true; }

std::vector<FoldedStack> PathAccounting::folded() const {
    std::vector<FoldedStack> out = stacks_;
    std::sort(out.begin(), out.end(), [](const FoldedStack &a, const FoldedStack &b) { return a.stack < b.stack; });
    return out;
}

void PathAccounting::set_failure_rule(PathId path, FailureRule rule) {
    if (path < paths_.size()) paths_[path].failure_rule = rule;
}

bool PathAccounting::region_fail(std::string_view name) {
    auto id = region_ids_.find(std::string(name));
    if (id == region_ids_.end()) return false;
    const uint32_t ref = id->second | kRegionBit;
    auto match =
        std::find_if(regions_open_.rbegin(), regions_open_.rend(), [&](const Frame &f) { return f.entity == ref; });
    if (match == regions_open_.rend()) return false;
    match->failed = true;
    return true;
}

void PathAccounting::close(const Frame &frame, const CounterSnapshot &now, bool unwound) {
    Entity &e = entity(frame.entity);
    const uint64_t cycles = now.cycles - frame.start.cycles;
    e.calls += 1;
    e.instructions += now.instructions - frame.start.instructions;
    e.l1d_misses += now.l1d_misses - frame.start.l1d_misses;
    e.l2_misses += now.l2_misses - frame.start.l2_misses;
    e.dtlb_misses += now.dtlb_misses - frame.start.dtlb_misses;
    e.page_walks += now.page_walks - frame.start.page_walks;
    e.tlb_flushes += now.tlb_flushes - frame.start.tlb_flushes;
    if (unwound) e.unwound += 1;
    e.completed += 1;
    e.cycles_total += cycles;
    e.cycles_max = std::max(e.cycles_max, cycles);
    if (frame.failed) e.failures += 1;
    if (samples_kept_ < bounds::kCycleSamples) {
        e.samples.push_back(cycles);
        ++samples_kept_;
    } else {
        ++dropped_samples_;
    }
    if (!(frame.entity & kRegionBit)) {
        auto site = std::find_if(e.sites.begin(), e.sites.end(), [&](const Site &s) { return s.caller == frame.caller; });
        if (site != e.sites.end()) {
            site->calls += 1;
            site->cycles += cycles;
        } else if (e.sites.size() < bounds::kCallSites) {
            e.sites.push_back(Site{frame.caller, 1, cycles});
        } else {
            ++dropped_call_sites_;
        }
    }
    if (timeline_on_) {
        if (timeline_.size() < bounds::kTimelineSlices)
            timeline_.push_back({frame.entity, frame.order, frame.start.cycles, now.cycles, frame.failed, unwound});
        else
            ++dropped_slices_;
    }
    if (folded_on_) {
        if (frame.stack != kNoStack)
            stacks_[frame.stack].self_cycles += cycles - std::min(cycles, frame.child_cycles);
        else
            ++dropped_stack_calls_;
        // A parent that already closed (a region ended while a call opened in it still ran)
        // counted these cycles as its own.
        if (Frame *parent = frame.parent_order == kNoOrder ? nullptr : open_frame(frame.parent_order))
            parent->child_cycles += cycles;
    }
    if (frame.parent == kNoParent) {
        root_cycles_ += cycles;
        return;
    }
    auto &callees = entity(frame.parent).callees;
    auto it = std::find_if(callees.begin(), callees.end(), [&](const Callee &c) { return c.entity == frame.entity; });
    if (it == callees.end()) {
        if (callees.size() >= bounds::kCallees) {
            ++dropped_callees_;
            return;
        }
        it = callees.insert(callees.end(), Callee{frame.entity, 0, 0});
    }
    it->calls += 1;
    it->cycles += cycles;
}

void PathAccounting::on_call(PathId path, uint32_t esp, const CounterSnapshot &now, uint32_t caller) {
    if (path >= paths_.size()) return;
    // A recursive call is part of the open outer call, whose totals already hold it.
    if (std::any_of(calls_.begin(), calls_.end(), [path](const Frame &f) { return f.entity == path; })) return;
    calls_.push_back(open(path, esp, caller, now));
}

namespace {

bool failed_result(FailureRule rule, uint32_t result) {
    switch (rule) {
    case FailureRule::Zero: return result == 0;
    case FailureRule::AllOnes: return result == 0xffff'ffffu;
    case FailureRule::None: break;
    }
    return false;
}

} // namespace

unsigned PathAccounting::on_return(uint32_t esp, const CounterSnapshot &now, uint32_t result) {
    // Frames below `esp` are gone. The outermost of them is the one whose ret brought ESP here;
    // any inside it missed their own return, so they were unwound.
    size_t keep = calls_.size();
    while (keep > 0 && calls_[keep - 1].esp < esp) --keep;
    const unsigned closed = unsigned(calls_.size() - keep);
    if (closed) calls_[keep].failed = failed_result(paths_[calls_[keep].entity].failure_rule, result);
    while (calls_.size() > keep) {
        Frame frame = calls_.back();
        calls_.pop_back();
        close(frame, now, calls_.size() != keep);
    }
    return closed;
}

void PathAccounting::region_begin(std::string_view name, const CounterSnapshot &now) {
    auto found = region_ids_.find(std::string(name));
    if (found == region_ids_.end() && regions_.size() >= bounds::kRegionNames) {
        ++dropped_region_names_;
        return;
    }
    auto [it, inserted] = region_ids_.try_emplace(std::string(name), uint32_t(regions_.size()));
    if (inserted) {
        regions_.emplace_back().name = std::string(name);
        // Reserved for the first names only, so that many names do not each hold a reservation.
        if (regions_.size() <= kReservedRegions)
            regions_.back().samples.reserve(samples_reserved_);
    }
    if (regions_open_.size() >= bounds::kOpenRegions) {
        ++dropped_region_begins_;
        return;
    }
    regions_open_.push_back(open(it->second | kRegionBit, 0, 0, now));
}

bool PathAccounting::region_end(std::string_view name, const CounterSnapshot &now) {
    auto id = region_ids_.find(std::string(name));
    if (id == region_ids_.end()) return false;
    const uint32_t ref = id->second | kRegionBit;
    auto match =
        std::find_if(regions_open_.rbegin(), regions_open_.rend(), [&](const Frame &f) { return f.entity == ref; });
    if (match == regions_open_.rend()) return false;
    const size_t keep = size_t(regions_open_.rend() - match) - 1;
    while (regions_open_.size() > keep) {
        Frame frame = regions_open_.back();
        regions_open_.pop_back();
        close(frame, now, regions_open_.size() != keep);
    }
    return true;
}

std::vector<PathStats> PathAccounting::stats(const std::vector<Entity> &entities) const {
    std::vector<PathStats> out;
    out.reserve(entities.size());
    for (const Entity &e : entities) {
        PathStats s;
        s.name = e.name;
        s.calls = e.calls;
        s.failures = e.failures;
        s.instructions = e.instructions;
        s.cycles = summarize_cycles_in_place(e.samples);
        // Percentiles come from the samples kept; totals, mean and maximum are exact.
        s.cycles.total = e.cycles_total;
        s.cycles.max = e.cycles_max;
        s.cycles.mean = e.completed ? double(e.cycles_total) / double(e.completed) : 0;
        s.l1d_misses = e.l1d_misses;
        s.l2_misses = e.l2_misses;
        s.dtlb_misses = e.dtlb_misses;
        s.page_walks = e.page_walks;
        s.tlb_flushes = e.tlb_flushes;
        s.unwound = e.unwound;
        for (const Callee &c : e.callees) s.callees.push_back({entity(c.entity).name, c.calls, c.cycles});
        std::sort(s.callees.begin(), s.callees.end(),
                  [](const CalleeStats &a, const CalleeStats &b) { return a.name < b.name; });
        for (const Site &site : e.sites) s.call_sites.push_back({site.caller, "", site.calls, site.cycles});
        std::sort(s.call_sites.begin(), s.call_sites.end(), [](const CallSiteStats &a, const CallSiteStats &b) {
            return a.cycles != b.cycles ? a.cycles > b.cycles : a.caller < b.caller;
        });
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<PathStats> PathAccounting::paths() const { return stats(paths_); }

void PathAccounting::count_dropped(std::map<std::string, uint64_t> &dropped) const {
    auto add = [&](const char *what, uint64_t n) {
        if (n) dropped[what] += n;
    };
    add("region_names", dropped_region_names_);
    add("region_begins", dropped_region_begins_);
    add("cycle_samples", dropped_samples_);
    add("callees", dropped_callees_);
    add("call_sites", dropped_call_sites_);
    add("timeline_slices", dropped_slices_);
    add("folded_stack_calls", dropped_stack_calls_);
}
std::vector<PathStats> PathAccounting::regions() const { return stats(regions_); }

} // namespace ia32emu
