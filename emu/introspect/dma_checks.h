// The DMA sanitizer's memory: every mapping the guest's DMA API made, the allocations each was made
// for, and the checks Linux's CONFIG_DMA_API_DEBUG makes on the calls (kind dma_api_misuse, a
// `check` each) plus the ones only the device side can make on transfers (a `rule` each). It is
// fed events (calls, frees, transfers, CPU accesses) and needs no guest, so it is tested alone.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "devices/dma_checker.h"
#include "emu/introspect/allocation_tracker.h"

namespace ia32emu {

enum class DmaDirection : uint32_t { Bidirectional = 0, ToDevice = 1, FromDevice = 2, None = 3 };
const char *direction_name(DmaDirection d);

// Linux's dma-debug tells a mapping's "function" apart: single (and page), scatterlist, coherent.
enum class DmaCallClass { Single, Sg, Coherent };

// An allocation a mapping was made for, as it was when mapped; `freed` once the guest freed it.
struct DmaOwner {
    uint64_t id = 0;
    std::string allocator;
    uint32_t size = 0;
    uint32_t caller = 0;
    bool freed = false;
    std::vector<PhysExtent> extents;
};

struct DmaMapping {
    uint64_t id = 0;
    DmaCallClass call = DmaCallClass::Single;
    std::string api;          // the guest function that made it
    uint32_t caller = 0;
    uint64_t bus = 0;
    uint64_t len = 0;
    DmaDirection dir = DmaDirection::Bidirectional;
    uint32_t va = 0;          // the CPU address mapped, 0 when mapped by page
    bool contiguous = true;   // the buffer's frames are physically contiguous from `bus`
    std::string layout;       // the physical extents, for messages
    uint32_t sg_list = 0;     // the scatterlist this segment came from, its entry count, and
    int sg_nents = 0;         // how many entries dma_map_sg returned as mapped
    int sg_mapped = 0;
    bool error_checked = true;
    bool device_owned = false;   // streaming mapping the device may write: CPU hands off
    std::vector<DmaOwner> owners;
};

// One finding, with the fields the report carries.
struct DmaFinding {
    std::string kind;       // dma_rejected or dma_api_misuse
    std::string name;       // the rule (dma_rejected) or the check (dma_api_misuse)
    uint64_t bus = 0;
    uint64_t len = 0;
    uint32_t eip = 0;       // the guest code that made the call or rang the doorbell
    std::optional<DmaMapping> mapping;
    std::vector<DmaOwner> owners;
    std::vector<uint32_t> backtrace;   // return addresses, innermost first
    std::string detail;     // one line, capped
    uint64_t cycles = 0;    // the modelled cycle count when it was found
};

struct DmaMapRequest {
    DmaCallClass call = DmaCallClass::Single;
    std::string api;
    uint32_t caller = 0;
    uint32_t va = 0;                    // 0 when mapped by page
    std::vector<PhysExtent> extents;    // where the CPU buffer lies physically
    uint64_t size = 0;
    DmaDirection dir = DmaDirection::Bidirectional;
    uint64_t bus = 0;
    uint32_t sg_list = 0;
    int sg_nents = 0;
    int sg_mapped = 0;
    // The device's scatter-gather limits (dma_get_max_seg_size, dma_get_seg_boundary); 0 unknown.
    uint64_t max_segment = 0;
    uint64_t segment_boundary = 0;
};

struct DmaUnmapRequest {
    DmaCallClass call = DmaCallClass::Single;
    std::string api;
    uint32_t caller = 0;
    uint64_t bus = 0;
    uint64_t size = 0;
    DmaDirection dir = DmaDirection::Bidirectional;
    uint32_t va = 0;        // coherent frees name the CPU address too
    uint32_t sg_list = 0;
    int sg_nents = 0;
};

// Which of the checks can run on this kernel, and why the others cannot.
struct DmaCheckScope {
    bool mappings = true;        // the DMA API is known: rule (d) and the API checks
    bool mapping_error = true;   // the kernel's dma_mapping_error is seen
};

// Physical memory no device may write whatever the kernel's DMA API says: its code and constants.
struct ReadOnlyImageRange {
    uint64_t pa = 0;
    uint64_t len = 0;
    std::string what;   // e.g. "program header 0 (R-X)"
};

class DmaChecks : public DmaMappingChecker {
public:
    using Backtrace = std::function<std::vector<uint32_t>()>;
    using Symbolizer = std::function<std::string(uint32_t)>;
    // The most findings kept per rule or check; later ones are only counted.
    static constexpr size_t kMaxFindingsPerName = 32;
    // The most live mappings tracked; past it mappings are only counted (untracked_mappings) and
    // the checks that need every mapping (no_live_mapping, unmap/sync of one never mapped) are off.
    static constexpr size_t kMaxLiveMappings = 16384;
    // Larger device-owned mappings are not watched for CPU accesses.
    static constexpr uint64_t kMaxWatchedMapping = 64ull << 20;
    // The cacheline of Linux's dma-debug (L1_CACHE_BYTES of an i386 kernel), and how many
    // mappings may overlap one before it says a driver is leaking them.
    static constexpr uint64_t kCacheLine = 64;
    static constexpr unsigned kMaxCachelineOverlap = 7;

    DmaChecks(AllocationTracker &allocations, Symbolizer symbolize, DmaCheckScope scope = {});
    void set_backtrace(Backtrace backtrace) { backtrace_ = std::move(backtrace); }
    // The modelled cycle count, stamped on each finding.
    using Clock = std::function<uint64_t()>;
    void set_clock(Clock clock) { clock_ = std::move(clock); }
    const DmaCheckScope &scope() const { return scope_; }
    // The kernel image's read-only segments, as loaded: rule kernel_image_write guards them.
    void set_read_only_image(std::vector<ReadOnlyImageRange> ranges) { read_only_ = std::move(ranges); }
    void set_scope(DmaCheckScope scope) { scope_ = scope; }

    // The guest's DMA API.
    void on_map(const DmaMapRequest &request);
    void on_map_refused(const DmaMapRequest &request, const std::string &why);
    void on_unmap(const DmaUnmapRequest &request);
    void on_sync(const std::string &api, uint32_t caller, uint64_t bus, uint64_t size, DmaDirection dir,
                 bool for_cpu);
    // dma_sync_sg_*: `entries` are the list's (bus, length) pairs, read up to `nents`.
    void on_sync_sg(const std::string &api, uint32_t caller, uint32_t sg_list, int nents,
                    const std::vector<std::pair<uint64_t, uint64_t>> &entries, DmaDirection dir, bool for_cpu);
    void on_mapping_error_checked(uint64_t bus);
    // A map of memory that must never be mapped (stack, text, rodata, vmalloc): `check` names it.
    void on_forbidden_area(const DmaMapRequest &request, const std::string &check, const std::string &area);
    // The guest freed an allocation (wired to AllocationTracker's free listener).
    void on_allocation_freed(const Allocation &a);
    // The guest code whose call is being handled, for findings the call itself does not name.
    void set_current_caller(uint32_t eip) { current_eip_ = eip; }
    // The CPU read or wrote physical memory.
    void on_cpu_access(uint64_t pa, unsigned size, bool write, uint32_t eip);
    // Physical frames the CPU may not touch now; the engine watches only these. The listener
    // hears each frame as it joins (true) or leaves (false) the set.
    bool cpu_watch_empty() const { return device_owned_frames_.empty(); }
    bool cpu_watched(uint64_t pfn) const { return device_owned_frames_.count(pfn) != 0; }
    void set_watch_listener(std::function<void(uint64_t pfn, bool watched)> listener) {
        watch_listener_ = std::move(listener);
    }
    // The run ended: every mapping still live is a leak.
    void finish();

    // Device side: rule (d) and the rules only a transfer shows.
    DmaVerdict check(uint64_t bus, uint64_t len, bool to_ram) override;
    // A device rejected a transfer for a rule of its own (a)-(c): record it with the same fields.
    void on_device_rejection(const std::string &rule, uint64_t bus, uint64_t len, uint32_t eip,
                             const std::string &detail);

    const std::vector<DmaFinding> &findings() const { return findings_; }
    // Findings not kept, by rule or check.
    const std::map<std::string, uint64_t> &dropped() const { return dropped_; }
    const std::map<uint64_t, DmaMapping> &live() const { return live_; }
    uint64_t untracked_mappings() const { return untracked_mappings_; }

    // Where a bus range came from: its frames' owners (at most a few, then a count).
    std::string provenance(uint64_t bus, uint64_t len) const;

private:
    const DmaMapping *find_containing(uint64_t bus) const;
    std::vector<DmaOwner> owners_of(uint64_t pa) const;
    void record(DmaFinding f);
    void api_misuse(const std::string &check, uint32_t caller, uint64_t bus, uint64_t len,
                    const DmaMapping *mapping, const std::string &detail);
    std::string describe(const DmaMapping &m) const;
    std::string describe(const DmaOwner &o) const;
    void hand_over(const DmaMapping &m, int delta);
    void check_cacheline_overlap(const DmaMapping &m);

    AllocationTracker &allocations_;
    Symbolizer symbolize_;
    DmaCheckScope scope_;
    std::vector<ReadOnlyImageRange> read_only_;
    Backtrace backtrace_;
    Clock clock_;
    uint64_t next_id_ = 1;
    std::map<uint64_t, DmaMapping> live_;   // by id
    // Recently unmapped bus ranges, to tell a double unmap from one of a mapping never made.
    std::deque<DmaMapping> unmapped_;
    std::map<uint64_t, uint64_t> device_owned_frames_;   // pfn -> how many device-owned mappings hold it
    std::function<void(uint64_t, bool)> watch_listener_;
    uint64_t last_cpu_report_pfn_ = ~0ull;
    uint64_t untracked_mappings_ = 0;
    std::vector<DmaFinding> findings_;
    std::map<std::string, uint64_t> kept_, dropped_;
    uint32_t current_eip_ = 0;
};

} // namespace ia32emu
