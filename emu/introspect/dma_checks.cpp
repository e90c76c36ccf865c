// Check names and their order follow Linux's kernel/dma/debug.c (check_unmap, check_sync,
// check_for_stack, check_for_illegal_area, debug_dma_mapping_error); the device-side rules are
// ours, since only a device model sees the transfer itself.
#include "emu/introspect/dma_checks.h"

#include <algorithm>
#include <cstdio>

namespace ia32emu {
namespace {

constexpr uint64_t kDmaMappingError = 0xFFFFFFFFu;
// A detail line is for people; a 4 GiB range must not describe a million frames.
constexpr size_t kMaxDetail = 480;
constexpr unsigned kMaxFramesDescribed = 4;
constexpr size_t kMaxOwnersListed = 8;
constexpr size_t kUnmappedRemembered = 256;
constexpr unsigned kMaxBacktrace = 16;

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string layout_of(const std::vector<PhysExtent> &extents) {
    std::string out;
    size_t shown = 0;
    for (const PhysExtent &e : extents) {
        if (shown++ == kMaxFramesDescribed) {
            out += ",... (" + std::to_string(extents.size()) + " extents)";
            break;
        }
        out += (out.empty() ? "" : ",") + hex(e.pa) + "+" + hex(e.len);
    }
    return out.empty() ? "unmapped" : out;
}

// A copy of the head rather than resize() in place: with the profile's inlining, GCC 12 cannot
// see that a string this long is not in its small buffer, and warns (-Wstringop-overflow).
std::string cap(std::string s) {
    if (s.size() <= kMaxDetail)
        return s;
    return s.substr(0, kMaxDetail - 3) + "...";
}

const char *call_name(DmaCallClass c) {
    switch (c) {
    case DmaCallClass::Single: return "single";
    case DmaCallClass::Sg: return "scatter-gather";
    case DmaCallClass::Coherent: return "coherent";
    }
    return "?";
}

bool device_writes(DmaDirection d) { return d == DmaDirection::FromDevice || d == DmaDirection::Bidirectional; }

} // namespace

const char *direction_name(DmaDirection d) {
    switch (d) {
    case DmaDirection::Bidirectional: return "DMA_BIDIRECTIONAL";
    case DmaDirection::ToDevice: return "DMA_TO_DEVICE";
    case DmaDirection::FromDevice: return "DMA_FROM_DEVICE";
    case DmaDirection::None: return "DMA_NONE";
    }
    return "invalid";
}

DmaChecks::DmaChecks(AllocationTracker &allocations, Symbolizer symbolize, DmaCheckScope scope)
    : allocations_(allocations), symbolize_(std::move(symbolize)), scope_(scope) {}

std::string DmaChecks::describe(const DmaOwner &o) const {
    std::string out = "allocation " + std::to_string(o.id) + " by " + o.allocator + "(" + std::to_string(o.size) +
                      ") from " + hex(o.caller);
    std::string sym = symbolize_(o.caller);
    if (!sym.empty())
        out += " (" + sym + ")";
    return out + (o.freed ? ", freed" : ", live");
}

std::string DmaChecks::describe(const DmaMapping &m) const {
    std::string out = "mapping " + std::to_string(m.id) + " by " + m.api + " at " + hex(m.bus) + "+" + hex(m.len) +
                      " " + direction_name(m.dir) + " from " + hex(m.caller);
    std::string sym = symbolize_(m.caller);
    if (!sym.empty())
        out += " (" + sym + ")";
    return out;
}

std::vector<DmaOwner> DmaChecks::owners_of(uint64_t pa) const {
    std::vector<DmaOwner> out;
    for (const Allocation *a : allocations_.owners_at(pa))
        out.push_back({a->id, a->function, a->size, a->caller, false, a->extents});
    return out;
}

const DmaMapping *DmaChecks::find_containing(uint64_t bus) const {
    const DmaMapping *best = nullptr;
    for (const auto &[id, m] : live_)
        if (bus >= m.bus && bus - m.bus < std::max<uint64_t>(m.len, 1))
            if (!best || m.bus + m.len > best->bus + best->len)
                best = &m;
    return best;
}

void DmaChecks::record(DmaFinding f) {
    uint64_t &kept = kept_[f.name];
    if (kept >= kMaxFindingsPerName) {
        ++dropped_[f.name];
        return;
    }
    ++kept;
    if (f.backtrace.empty() && backtrace_) {
        f.backtrace = backtrace_();
        if (f.backtrace.size() > kMaxBacktrace)
            f.backtrace.resize(kMaxBacktrace);
    }
    if (f.owners.size() > kMaxOwnersListed)
        f.owners.resize(kMaxOwnersListed);
    f.detail = cap(std::move(f.detail));
    if (clock_) f.cycles = clock_();
    findings_.push_back(std::move(f));
}

void DmaChecks::api_misuse(const std::string &check, uint32_t caller, uint64_t bus, uint64_t len,
                           const DmaMapping *mapping, const std::string &detail) {
    DmaFinding f;
    f.kind = "dma_api_misuse";
    f.name = check;
    f.bus = bus;
    f.len = len;
    f.eip = caller;
    if (mapping) {
        f.mapping = *mapping;
        f.owners = mapping->owners;
    }
    f.detail = detail;
    record(std::move(f));
}

void DmaChecks::on_map(const DmaMapRequest &r) {
    DmaMapping m;
    m.id = next_id_++;
    m.call = r.call;
    m.api = r.api;
    m.caller = r.caller;
    m.bus = r.bus;
    m.len = r.size;
    m.dir = r.dir;
    m.va = r.va;
    m.contiguous = r.extents.size() <= 1 && (r.extents.empty() || r.extents.front().pa == r.bus);
    m.layout = layout_of(r.extents);
    m.sg_list = r.sg_list;
    m.sg_nents = r.sg_nents;
    m.sg_mapped = r.sg_mapped;
    m.error_checked = !scope_.mapping_error || r.call == DmaCallClass::Coherent || r.call == DmaCallClass::Sg;
    m.device_owned = r.call != DmaCallClass::Coherent && device_writes(r.dir);
    if (!r.extents.empty())
        m.owners = owners_of(r.extents.front().pa);
    // An sg entry (or a buffer) whose span reaches into frames no owner of its start holds.
    if (!m.owners.empty() && m.contiguous && m.len > 0) {
        for (uint64_t pfn = (m.bus >> 12) + 1; pfn <= (m.bus + m.len - 1) >> 12; ++pfn) {
            std::vector<uint64_t> here = allocations_.frame_owners(pfn);
            bool ours = std::any_of(m.owners.begin(), m.owners.end(), [&](const DmaOwner &o) {
                return std::find(here.begin(), here.end(), o.id) != here.end();
            });
            if (!ours) {
                std::vector<DmaOwner> foreign = owners_of(pfn << 12);
                DmaFinding f;
                f.kind = "dma_api_misuse";
                f.name = "map_spans_foreign_frames";
                f.bus = m.bus;
                f.len = m.len;
                f.eip = m.caller;
                f.mapping = m;
                f.owners = m.owners;
                f.owners.insert(f.owners.end(), foreign.begin(), foreign.end());
                f.detail = describe(m) + " runs from its owner's memory into frame " + hex(pfn << 12) + ", " +
                           (foreign.empty() ? std::string("which no allocation holds")
                                            : "held by " + describe(foreign.front()));
                record(std::move(f));
                break;
            }
        }
    }
    // Linux's check_sg_segment: the list was built without the device's limits.
    if (m.call == DmaCallClass::Sg && r.max_segment && m.len > r.max_segment)
        api_misuse("sg_segment_too_long", m.caller, m.bus, m.len, &m,
                   describe(m) + " is a segment of " + std::to_string(m.len) + " bytes; the device takes at most " +
                       std::to_string(r.max_segment) + " (dma_set_max_seg_size)");
    if (m.call == DmaCallClass::Sg && r.segment_boundary && m.len > 0 &&
        ((m.bus ^ (m.bus + m.len - 1)) & ~r.segment_boundary))
        api_misuse("sg_segment_crosses_boundary", m.caller, m.bus, m.len, &m,
                   describe(m) + " crosses a " + hex(r.segment_boundary + 1) +
                       "-byte boundary the device cannot cross (dma_set_seg_boundary mask " + hex(r.segment_boundary) +
                       ")");
    check_cacheline_overlap(m);
    if (live_.size() >= kMaxLiveMappings) {
        // A driver leaking mappings in a loop must not grow the host without bound: past the cap
        // a mapping is counted, not kept, and checks that need every mapping stand down.
        ++untracked_mappings_;
        return;
    }
    uint64_t id = m.id;
    hand_over(m, +1);
    live_.emplace(id, std::move(m));
}

// Linux's active-cacheline tracking (add_dma_entry): on non-coherent hardware, two mappings the
// device may write that share a cacheline corrupt each other when one is invalidated or written
// back. Linux keys each mapping by its first cacheline only; every shared line is checked here.
void DmaChecks::check_cacheline_overlap(const DmaMapping &m) {
    auto lines = [](const DmaMapping &x) {
        return std::pair<uint64_t, uint64_t>{x.bus / kCacheLine, (x.bus + x.len - 1) / kCacheLine};
    };
    if (m.dir == DmaDirection::ToDevice || m.len == 0)
        return;
    auto [first, last] = lines(m);
    const DmaMapping *shared = nullptr;
    unsigned on_first_line = 0;
    for (const auto &[id, o] : live_) {
        if (o.dir == DmaDirection::ToDevice || o.len == 0)
            continue;
        auto [ofirst, olast] = lines(o);
        if (ofirst > last || olast < first)
            continue;
        if (!shared)
            shared = &o;
        on_first_line += ofirst <= first && first <= olast;
    }
    if (!shared)
        return;
    uint64_t line = std::max(first, shared->bus / kCacheLine) * kCacheLine;
    DmaMapping both = m;
    for (const DmaOwner &o : shared->owners)
        if (std::none_of(both.owners.begin(), both.owners.end(), [&](const DmaOwner &mine) { return mine.id == o.id; }))
            both.owners.push_back(o);
    api_misuse("overlapping_cacheline", m.caller, m.bus, m.len, &both,
               describe(m) + " shares cacheline " + hex(line) + " with " + describe(*shared) +
                   ", which the device may write too: on non-coherent hardware syncing one corrupts the other");
    // Linux counts up to 7 overlaps of a line; the 8th says mappings are being leaked.
    if (on_first_line == kMaxCachelineOverlap + 1)
        api_misuse("cacheline_overlap_limit", m.caller, m.bus, m.len, &m,
                   describe(m) + " is the " + std::to_string(on_first_line + 1) + "th live mapping of cacheline " +
                       hex(first * kCacheLine) + ", more than the " + std::to_string(kMaxCachelineOverlap) +
                       " overlaps Linux's dma-debug tracks: the driver is probably leaking mappings");
}

void DmaChecks::on_map_refused(const DmaMapRequest &r, const std::string &why) {
    DmaFinding f;
    f.kind = "dma_map_refused";
    f.name = "";
    f.bus = r.va;
    f.len = r.size;
    f.eip = r.caller;
    if (!r.extents.empty())
        f.owners = owners_of(r.extents.front().pa);
    f.detail = r.api + "(" + hex(r.va) + ", " + std::to_string(r.size) + ") refused by the guest's DMA API; physical layout " +
               layout_of(r.extents) + (why.empty() ? "" : "; " + why);
    record(std::move(f));
}

void DmaChecks::on_forbidden_area(const DmaMapRequest &r, const std::string &check, const std::string &area) {
    DmaFinding f;
    f.kind = "dma_api_misuse";
    f.name = check;
    f.bus = r.bus;
    f.len = r.size;
    f.eip = r.caller;
    if (!r.extents.empty())
        f.owners = owners_of(r.extents.front().pa);
    f.detail = r.api + " of " + hex(r.va) + "+" + hex(r.size) + ": the driver maps memory from " + area;
    record(std::move(f));
}

void DmaChecks::on_unmap(const DmaUnmapRequest &r) {
    if (!scope_.mappings)
        return;
    const char *verb = r.call == DmaCallClass::Coherent ? "frees" : "unmaps";
    if (r.bus == kDmaMappingError && r.call != DmaCallClass::Coherent) {
        api_misuse("unmap_invalid_address", r.caller, r.bus, r.size, nullptr,
                   r.api + " of DMA_MAPPING_ERROR: the driver " + verb + " an invalid DMA address");
        return;
    }
    // The live mapping at this bus address; an sg unmap names the list, whose entries share it.
    auto matches = [&](const DmaMapping &m, bool same_call) {
        if (same_call && m.call != r.call)
            return false;
        if (r.call == DmaCallClass::Sg && same_call)
            return m.sg_list == r.sg_list;
        return m.bus == r.bus;
    };
    // An sg unmap ends every entry of the list; any other unmap ends one mapping, the best fit by
    // size and direction as dma-debug picks among mappings of the same address.
    std::vector<uint64_t> ids;
    int best_fit = -1;
    for (const auto &[id, m] : live_) {
        if (!matches(m, true))
            continue;
        if (r.call == DmaCallClass::Sg) {
            ids.push_back(id);
            continue;
        }
        int fit = (m.len == r.size) + (m.dir == r.dir);
        if (fit > best_fit) {
            best_fit = fit;
            ids = {id};
        }
    }
    if (ids.empty()) {
        for (const auto &[id, m] : live_)
            if (matches(m, false) && (r.call != DmaCallClass::Sg || m.call != DmaCallClass::Sg)) {
                api_misuse("unmap_wrong_function", r.caller, r.bus, r.size, &m,
                           "the driver " + std::string(verb) + " " + describe(m) + " with the wrong function: mapped as " +
                               call_name(m.call) + ", " + verb + " as " + call_name(r.call) + " (" + r.api + ")");
                ids.push_back(id);
                break;
            }
    }
    if (ids.empty()) {
        const DmaMapping *old = nullptr;
        for (const DmaMapping &m : unmapped_)
            if (r.call == DmaCallClass::Sg ? m.sg_list == r.sg_list : m.bus == r.bus)
                old = &m;
        if (old)
            api_misuse("double_unmap", r.caller, r.bus, r.size, old,
                       r.api + " of " + hex(r.bus) + ": already unmapped; it was " + describe(*old));
        else if (untracked_mappings_ == 0)
            api_misuse("unmap_never_mapped", r.caller, r.bus, r.size, nullptr,
                       r.api + " of " + hex(r.bus) + "+" + hex(r.size) +
                           ": the driver tries to free DMA memory it has not allocated");
        return;
    }
    const DmaMapping &first = live_.at(ids.front());
    if (r.call == DmaCallClass::Sg) {
        if (first.call == DmaCallClass::Sg && r.sg_nents != first.sg_nents)
            api_misuse("unmap_sg_nents_mismatch", r.caller, first.bus, first.len, &first,
                       r.api + " with " + std::to_string(r.sg_nents) + " entries; " + describe(first) + " was mapped with " +
                           std::to_string(first.sg_nents));
    } else if (r.size != first.len) {
        api_misuse("unmap_size_mismatch", r.caller, r.bus, r.size, &first,
                   r.api + " of " + std::to_string(r.size) + " bytes; " + describe(first) + " is " +
                       std::to_string(first.len) + " bytes");
    }
    if (r.call == DmaCallClass::Coherent && r.va != first.va)
        api_misuse("free_cpu_address_mismatch", r.caller, r.bus, r.size, &first,
                   r.api + " with CPU address " + hex(r.va) + "; " + describe(first) + " was allocated at " + hex(first.va));
    if (r.call != DmaCallClass::Coherent && r.dir != first.dir)
        api_misuse("unmap_direction_mismatch", r.caller, r.bus, r.size, &first,
                   r.api + " with " + direction_name(r.dir) + "; " + describe(first));
    for (uint64_t id : ids) {
        DmaMapping &m = live_.at(id);
        if (!m.error_checked)
            api_misuse("mapping_error_not_checked", r.caller, m.bus, m.len, &m,
                       describe(m) + ": the driver never called dma_mapping_error() on it");
        hand_over(m, -1);
        unmapped_.push_back(std::move(m));
        if (unmapped_.size() > kUnmappedRemembered)
            unmapped_.pop_front();
        live_.erase(id);
    }
}

void DmaChecks::on_sync(const std::string &api, uint32_t caller, uint64_t bus, uint64_t size, DmaDirection dir,
                        bool for_cpu) {
    if (!scope_.mappings)
        return;
    DmaMapping *m = nullptr;
    for (auto &[id, candidate] : live_)
        if (candidate.call != DmaCallClass::Coherent && bus >= candidate.bus && bus - candidate.bus < candidate.len)
            m = &candidate;
    if (!m) {
        if (untracked_mappings_ != 0)
            return;
        api_misuse("sync_never_mapped", caller, bus, size, nullptr,
                   api + " of " + hex(bus) + "+" + hex(size) + ": the driver syncs DMA memory it has not mapped");
        return;
    }
    if (bus + size > m->bus + m->len)
        api_misuse("sync_out_of_range", caller, bus, size, m,
                   api + " of " + hex(bus) + "+" + hex(size) + " runs " + std::to_string(bus + size - m->bus - m->len) +
                       " bytes past " + describe(*m));
    // As check_sync: a sync in the mapping's own direction is always allowed (a DMA_TO_DEVICE
    // buffer synced for the CPU, refilled and synced back is the documented way to reuse it).
    if (m->dir != DmaDirection::Bidirectional && dir != m->dir) {
        api_misuse("sync_direction_mismatch", caller, bus, size, m,
                   api + " with " + direction_name(dir) + "; " + describe(*m));
        if (for_cpu && m->dir == DmaDirection::ToDevice)
            api_misuse("sync_wrong_direction", caller, bus, size, m,
                       api + " with " + direction_name(dir) +
                           ": the driver syncs device-read-only memory for the CPU to read what the device wrote; " +
                           describe(*m));
        if (!for_cpu && m->dir == DmaDirection::FromDevice)
            api_misuse("sync_wrong_direction", caller, bus, size, m,
                       api + " with " + direction_name(dir) +
                           ": the driver syncs device-write-only memory for the device to read; " + describe(*m));
    }
    if (device_writes(m->dir) && m->device_owned == for_cpu) {
        hand_over(*m, -1);
        m->device_owned = !for_cpu;
        hand_over(*m, +1);
    }
}

// Linux syncs only the entries dma_map_sg mapped, and names a list synced with another count.
void DmaChecks::on_sync_sg(const std::string &api, uint32_t caller, uint32_t sg_list, int nents,
                           const std::vector<std::pair<uint64_t, uint64_t>> &entries, DmaDirection dir, bool for_cpu) {
    if (!scope_.mappings)
        return;
    size_t count = entries.size();
    for (const auto &[id, m] : live_)
        if (m.call == DmaCallClass::Sg && m.sg_list == sg_list) {
            if (m.sg_nents != nents)
                api_misuse("sync_sg_nents_mismatch", caller, m.bus, m.len, &m,
                           api + " with " + std::to_string(nents) + " entries; " + describe(m) + " was mapped with " +
                               std::to_string(m.sg_nents));
            if (m.sg_mapped > 0)
                count = std::min(count, size_t(m.sg_mapped));
            break;
        }
    for (size_t i = 0; i < count; ++i)
        if (entries[i].second)
            on_sync(api, caller, entries[i].first, entries[i].second, dir, for_cpu);
}

void DmaChecks::on_mapping_error_checked(uint64_t bus) {
    DmaMapping *latest = nullptr;
    for (auto &[id, m] : live_)
        if (m.bus == bus)
            latest = &m;
    if (latest)
        latest->error_checked = true;
}

void DmaChecks::on_allocation_freed(const Allocation &a) {
    for (auto &[id, m] : live_)
        for (DmaOwner &o : m.owners)
            if (o.id == a.id && !o.freed) {
                o.freed = true;
                if (m.call != DmaCallClass::Coherent)
                    api_misuse("freed_while_mapped", current_eip_, m.bus, m.len, &m,
                               a.function + " of " + describe(o) + " while " + describe(m) + " is live");
            }
}

// Adds (+1) or removes (-1) a device-owned mapping's frames from the set the engine watches.
void DmaChecks::hand_over(const DmaMapping &m, int delta) {
    if (!m.device_owned || m.len == 0 || !m.contiguous || m.len > kMaxWatchedMapping)
        return;
    for (uint64_t pfn = m.bus >> 12; pfn <= (m.bus + m.len - 1) >> 12; ++pfn) {
        if (delta > 0) {
            if (++device_owned_frames_[pfn] == 1 && watch_listener_)
                watch_listener_(pfn, true);
            continue;
        }
        auto it = device_owned_frames_.find(pfn);
        if (it == device_owned_frames_.end() || --it->second > 0)
            continue;
        device_owned_frames_.erase(it);
        if (watch_listener_)
            watch_listener_(pfn, false);
        // A frame handed back to the CPU ends its episode: the next hand-off may be misused afresh.
        if (last_cpu_report_pfn_ == pfn)
            last_cpu_report_pfn_ = ~0ull;
    }
}

void DmaChecks::on_cpu_access(uint64_t pa, unsigned size, bool write, uint32_t eip) {
    for (const auto &[id, m] : live_) {
        if (!m.device_owned || pa + size <= m.bus || pa >= m.bus + m.len)
            continue;
        // Memory freed under a live mapping is reported as freed_while_mapped; the allocator's
        // own writes into the freed object, and its next owner's, follow from that bug.
        if (std::any_of(m.owners.begin(), m.owners.end(), [](const DmaOwner &o) { return o.freed; }))
            continue;
        // One finding per frame and episode: a loop over the buffer is one bug, not thousands.
        if (last_cpu_report_pfn_ == (pa >> 12))
            return;
        last_cpu_report_pfn_ = pa >> 12;
        api_misuse("cpu_access_while_device_owned", eip, pa, size, &m,
                   std::string("the CPU ") + (write ? "writes " : "reads ") + hex(pa) + " inside " + describe(m) +
                       " before dma_unmap or dma_sync_*_for_cpu: stale data on non-coherent hardware");
        return;
    }
}

void DmaChecks::finish() {
    if (!scope_.mappings)
        return;
    for (const auto &[id, m] : live_)
        api_misuse("leaked_mapping", m.caller, m.bus, m.len, &m, describe(m) + " is still live when the run ends");
}

void DmaChecks::on_device_rejection(const std::string &rule, uint64_t bus, uint64_t len, uint32_t eip,
                                    const std::string &detail) {
    DmaFinding f;
    f.kind = "dma_rejected";
    f.name = rule;
    f.bus = bus;
    f.len = len;
    f.eip = eip;
    if (const DmaMapping *m = find_containing(bus)) {
        f.mapping = *m;
        f.owners = m->owners;
    }
    if (f.owners.empty() && len > 0)
        f.owners = owners_of(bus);
    f.detail = detail;
    record(std::move(f));
}

DmaVerdict DmaChecks::check(uint64_t bus, uint64_t len, bool to_ram) {
    auto range = hex(bus) + "+" + hex(len);
    // Needs no DMA API: the ELF says which loaded bytes are code and constants.
    if (to_ram)
        for (const ReadOnlyImageRange &r : read_only_)
            if (len > 0 && bus < r.pa + r.len && r.pa < bus + len) {
                uint64_t hit = std::max(bus, r.pa);
                std::string sym = hit < 0x100000000ull ? symbolize_(uint32_t(hit)) : "";
                return {false, "kernel_image_write",
                        "the device writes " + range + " over the kernel's read-only " + r.what + " at " + hex(r.pa) +
                            "+" + hex(r.len) + (sym.empty() ? "" : ", from " + hex(hit) + " (" + sym + ")")};
            }
    if (!scope_.mappings) {
        // Without a DMA API only what the allocators say can be checked: memory freed, or a range
        // that leaves the allocation it starts in.
        std::vector<DmaOwner> start = owners_of(bus);
        if (start.empty())
            return {};
        for (uint64_t pfn = (bus >> 12) + 1; len > 0 && pfn <= (bus + len - 1) >> 12; ++pfn) {
            std::vector<uint64_t> here = allocations_.frame_owners(pfn);
            bool ours = std::any_of(start.begin(), start.end(), [&](const DmaOwner &o) {
                return std::find(here.begin(), here.end(), o.id) != here.end();
            });
            if (!ours)
                return {false, "foreign_frame",
                        "bus range " + range + " starts in " + describe(start.front()) + " and runs into frame " +
                            hex(pfn << 12) + ": " + provenance(pfn << 12, 1)};
        }
        return {};
    }
    const DmaMapping *inside = nullptr;
    for (const auto &[id, m] : live_)
        if (bus >= m.bus && bus + len <= m.bus + m.len)
            inside = &m;
    if (!inside) {
        if (const DmaMapping *start = find_containing(bus)) {
            uint64_t past = bus + len - (start->bus + start->len);
            return {false, "mapping_overrun",
                    "bus range " + range + " starts inside " + describe(*start) + " and runs " + std::to_string(past) +
                        " bytes past its end"};
        }
        if (untracked_mappings_ != 0)
            return {};
        return {false, "no_live_mapping",
                "bus range " + range + " is not inside any live DMA mapping; " + provenance(bus, len)};
    }
    const DmaMapping &m = *inside;
    if (!m.contiguous)
        return {false, "noncontiguous_mapping",
                "bus range " + range + " lies in a " + m.api + " mapping of " + hex(m.va) + " whose frames are scattered (" +
                    m.layout + ")"};
    if (to_ram && m.dir == DmaDirection::ToDevice)
        return {false, "wrong_direction", "the device writes " + range + " into " + describe(m)};
    if (!to_ram && m.dir == DmaDirection::FromDevice)
        return {false, "wrong_direction", "the device reads " + range + " from " + describe(m)};
    if (m.owners.empty() || len == 0)
        return {};
    for (const DmaOwner &o : m.owners)
        if (o.freed)
            for (const PhysExtent &e : o.extents)
                if (bus < e.pa + e.len && e.pa < bus + len)
                    return {false, "freed_memory",
                            "bus range " + range + " of " + describe(m) + " touches memory of " + describe(o) +
                                ": freed while the mapping was live"};
    for (uint64_t pfn = bus >> 12; pfn <= (bus + len - 1) >> 12; ++pfn) {
        std::vector<uint64_t> here = allocations_.frame_owners(pfn);
        bool ours = std::any_of(m.owners.begin(), m.owners.end(), [&](const DmaOwner &o) {
            return !o.freed && std::find(here.begin(), here.end(), o.id) != here.end();
        });
        if (!ours)
            return {false, "foreign_frame",
                    "bus range " + range + " of " + describe(m) + " touches frame " + hex(pfn << 12) +
                        ", which none of the mapping's allocations holds: " + provenance(pfn << 12, 1)};
    }
    return {};
}

std::string DmaChecks::provenance(uint64_t bus, uint64_t len) const {
    std::string out;
    uint64_t first = bus >> 12, last = (bus + (len ? len - 1 : 0)) >> 12;
    for (uint64_t pfn = first; pfn <= last; ++pfn) {
        if (pfn - first == kMaxFramesDescribed) {
            out += "; and " + std::to_string(last - pfn + 1) + " more frames";
            break;
        }
        out += (out.empty() ? "frame " : "; frame ") + hex(pfn << 12) + ": " + allocations_.describe_frame(pfn);
    }
    // The classic bug: the driver passed virt_to_phys() of a vmalloc address.
    constexpr uint64_t kGuestPageOffset = 0xC0000000;
    uint64_t as_virtual = bus + kGuestPageOffset;
    if (as_virtual < 0x100000000ull)
        if (const Allocation *a = allocations_.vmalloc_area_at(uint32_t(as_virtual)))
            out += "; bus address " + hex(bus) + " is virt_to_phys(" + hex(as_virtual) + ") of vmalloc area: " +
                   allocations_.describe(*a);
    return out;
}

} // namespace ia32emu
