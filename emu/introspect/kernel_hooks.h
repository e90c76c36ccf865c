// What the host learns from the guest kernel by intercepting its functions by symbol: the owner
// of every frame its allocators hand out, and the DMA mappings its DMA API makes (as a
// DmaApiDescription says where the arguments are). The one place that decides which guest
// functions are watched and how their arguments are read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emu/engine/engine.h"
#include "emu/introspect/allocation_tracker.h"
#include "emu/introspect/dma_api.h"
#include "emu/introspect/dma_checks.h"
#include "emu/introspect/kernel_image.h"
#include "emu/introspect/guest_memory.h"
#include "emu/introspect/page_frame_map.h"

#include <map>
#include <string>

namespace ia32emu {

class KernelHooks {
public:
    // How the kernel passes its allocators' arguments, which also says which allocators it has:
    // our kernel's (cdecl, every argument on the stack) or Linux i386's (regparm(3): the first
    // three in EAX, EDX, ECX).
    enum class AllocatorAbi { OurKernel, LinuxRegparm3 };

    // `dma_api`: auto, none, or a description file; throws DmaApiError for a file that cannot be used.
    // `image` learns the functions of Linux modules as the kernel loads them.
    KernelHooks(Engine &engine, KernelImage &image, const GuestMemory &memory, const std::string &dma_api,
                AllocatorAbi allocator_abi = AllocatorAbi::OurKernel);

    AllocationTracker &allocations() { return allocations_; }
    DmaChecks &dma_checks() { return checks_; }
    const DmaChecks &dma_checks() const { return checks_; }
    // Empty, or one line saying which DMA checks are off on this kernel and why.
    const std::string &note() const { return note_; }
    // Return addresses of the guest's current call stack, innermost first.
    std::vector<uint32_t> backtrace() const;
    // Adds what introspection did not keep (symbols, tracked allocations) to the report's counts.
    void count_dropped(std::map<std::string, uint64_t> &dropped) const;

private:
    // A kernel without the function is simply not watched.
    void on_call(const char *name, Engine::EntryHandler handler);
    void choose_api(const std::string &dma_api);
    void intercept_allocators(AllocatorAbi abi);
    void intercept_module_loading();
    void intercept_dma_api();
    void record_pages(uint32_t caller, uint32_t page, uint32_t order);
    void resolve_pending_pages();
    uint32_t read_arg(const ArgLocation &loc, uint32_t esp) const;
    // At an intercepted entry: the caller (the return address) and the argument at `loc`.
    struct CallArgs {
        uint32_t caller, arg;
    };
    CallArgs read_call(const ArgLocation &loc, uint32_t esp) const;
    std::vector<PhysExtent> page_extents(uint32_t page, uint32_t offset, uint32_t size) const;
    void for_each_sg_entry(uint32_t sg, int nents, const std::function<void(uint32_t entry)> &f) const;
    // `text`: the intercepted function's address, in the kernel's direct map.
    void check_area(const DmaMapRequest &r, uint32_t esp, uint32_t text);
    bool in_direct_map(uint32_t va, uint32_t text) const;
    std::optional<uint32_t> unframed_return(const Registers &regs) const;
    struct SegmentLimits {
        uint64_t max_segment = 0, boundary = 0;   // 0: unknown
    };
    SegmentLimits segment_limits(uint32_t dev) const;

    Engine &engine_;
    KernelImage &image_;
    const GuestMemory &memory_;
    AllocationTracker allocations_;
    PageFrameMap page_frames_;
    // alloc_pages results seen before the page geometry was learnt, resolved once it is.
    struct PendingPages {
        uint32_t caller, page, order;
    };
    std::vector<PendingPages> pending_pages_;
    uint32_t last_page_ = 0;
    DmaChecks checks_;
    DmaApiDescription api_;
    struct ResolvedArea {
        uint32_t start, end;
        std::string check, what;
    };
    std::vector<ResolvedArea> areas_;
    std::set<uint32_t> entries_;   // intercepted entry points, where a backtrace starts at the caller
    std::string note_;
};

} // namespace ia32emu
