// Allocator and DMA-API intercepts: arguments where the kernel's calling convention puts them.
#include "emu/introspect/kernel_hooks.h"
#include "emu/introspect/linux_module_symbols.h"

#include <algorithm>
#include <iterator>

namespace ia32emu {
namespace {

// A guest that never reveals its page geometry must not make the host queue without bound.
constexpr size_t kMaxPendingPages = 4096;
constexpr uint32_t kDmaMappingError = 0xFFFFFFFFu;
// The entry count comes from the guest; a wild one must not keep the host reading for ever.
constexpr int kMaxScatterlistEntries = 65536;

} // namespace

KernelHooks::KernelHooks(Engine &engine, KernelImage &image, const GuestMemory &memory, const std::string &dma_api,
                         AllocatorAbi allocator_abi)
    : engine_(engine), image_(image), memory_(memory),
      allocations_(memory_, [this](uint32_t eip) { return image_.describe_address(eip); }),
      page_frames_(memory_, image_.find_object("mem_map")),
      checks_(allocations_, [this](uint32_t eip) { return image_.describe_address(eip); }) {
    choose_api(dma_api);
    allocations_.set_free_listener([this](const Allocation &a) { checks_.on_allocation_freed(a); });
    checks_.set_backtrace([this] { return backtrace(); });
    intercept_allocators(allocator_abi);
    if (allocator_abi == AllocatorAbi::LinuxRegparm3)
        intercept_module_loading();
    intercept_dma_api();
}

// Linux: do_init_module(mod) runs a loaded module's init; by then the kernel holds the module's
// relocated symbol table, so what the module's code does is named by its own functions.
void KernelHooks::intercept_module_loading() {
    on_call("do_init_module", [this](uint32_t) -> Engine::ReturnHandler {
        LinuxModuleSymbols symbols = read_linux_module_symbols(memory_, engine_.registers().eax);
        image_.add_loaded_functions(symbols.functions);
        return nullptr;
    });
}

// auto: our kernel's API where its symbols are; none: no DMA API; anything else: a description file.
void KernelHooks::choose_api(const std::string &dma_api) {
    static const DmaRole kMapping[] = {DmaRole::MapSingle, DmaRole::MapPage, DmaRole::MapSg, DmaRole::AllocCoherent};
    auto present = [this](const DmaApiDescription &d) {
        std::vector<std::string> found;
        for (const DmaApiFunction &f : d.functions)
            if (std::find(std::begin(kMapping), std::end(kMapping), f.role) != std::end(kMapping) &&
                image_.find_symbol(f.symbol))
                found.push_back(f.symbol);
        return found;
    };
    std::string why;
    if (dma_api == "none") {
        why = "--dma-api none";
    } else if (dma_api == "auto" || dma_api.empty()) {
        api_ = DmaApiDescription::builtin();
        if (present(api_).empty()) {
            why = "the kernel has none of dma_map_single, dma_map_sg, dma_alloc_coherent";
            if (image_.find_symbol("dma_map_page_attrs"))
                why += " (it has dma_map_page_attrs: describe its DMA API with --dma-api FILE)";
        }
    } else {
        api_ = DmaApiDescription::load(dma_api);
        for (const DmaApiFunction &f : api_.functions)
            if (!image_.find_symbol(f.symbol))
                throw DmaApiError("--dma-api " + dma_api + ": the kernel has no function '" + f.symbol + "'");
    }
    if (!why.empty()) {
        api_ = DmaApiDescription{};
        DmaCheckScope scope;
        scope.mappings = false;
        scope.mapping_error = false;
        checks_.set_scope(scope);
        bool allocators = image_.find_symbol("kmalloc") || image_.find_symbol("alloc_pages") ||
                          image_.find_symbol("__get_free_pages") || image_.find_symbol("vmalloc");
        note_ = "DMA checks: no DMA API recognised (" + why +
                "): rule (d) (no_live_mapping, mapping_overrun, noncontiguous_mapping, wrong_direction) and the "
                "dma_api_misuse checks are off; rules (a)-(c) and kernel_image_write stay on" +
                (allocators ? ", and ownership checks (freed_memory, foreign_frame) on the kernel's allocators"
                            : "; no known allocator, so no ownership checks");
        return;
    }
    DmaCheckScope scope;
    scope.mapping_error = false;
    for (const DmaApiFunction &f : api_.functions)
        if (f.role == DmaRole::MappingError && image_.find_symbol(f.symbol))
            scope.mapping_error = true;
    checks_.set_scope(scope);
    for (const DmaArea &a : api_.areas) {
        auto start = image_.find_symbol(a.start_symbol), end = image_.find_symbol(a.end_symbol);
        std::optional<uint32_t> s = start ? std::optional<uint32_t>(start->address) : image_.find_object(a.start_symbol);
        std::optional<uint32_t> e = end ? std::optional<uint32_t>(end->address) : image_.find_object(a.end_symbol);
        if (s && e && *s < *e)
            areas_.push_back({*s, *e, a.kind == "stack" ? "map_stack" : "map_kernel_text",
                              a.kind == "stack" ? "the stack" : "kernel " + a.kind});
    }
}

// Guest functions are intercepted by symbol; a kernel without the function is simply not watched.
void KernelHooks::on_call(const char *name, Engine::EntryHandler handler) {
    if (auto sym = image_.find_symbol(name)) {
        entries_.insert(sym->address);
        engine_.intercept(sym->address, std::move(handler));
    }
}

namespace {

// What an allocator function does, as far as frame ownership goes.
enum class AllocatorRole {
    Alloc,        // (size) -> direct-map address (kmalloc)
    AllocMapped,  // (size) -> address in an area of its own, mapped page by page (vmalloc)
    AllocOrder,   // (order) -> direct-map address of 2^order pages
    AllocPages,   // (order) -> struct page of 2^order pages
    FreePages,    // (page): pages given back by struct page
    Free,         // (address)
    FreeOrder,    // (address, order): pages given back by address
};

struct AllocatorFunction {
    const char *symbol;
    AllocatorRole role;
    ArgLocation arg;   // the size, the order, the page or the address, by role
};

constexpr ArgLocation stack(unsigned index) { return {ArgLocation::Kind::Stack, index}; }
constexpr ArgLocation kEax{ArgLocation::Kind::Eax, 0};
constexpr ArgLocation kEdx{ArgLocation::Kind::Edx, 0};
constexpr ArgLocation kEcx{ArgLocation::Kind::Ecx, 0};

// guest/mm: kmalloc(size, flags), vmalloc(size), __get_free_pages(flags, order),
// alloc_pages(flags, order), __free_pages(page, order), kfree(p), vfree(p), free_pages(addr, order).
const std::vector<AllocatorFunction> kOurKernel = {
    {"kmalloc", AllocatorRole::Alloc, stack(0)},
    {"vmalloc", AllocatorRole::AllocMapped, stack(0)},
    {"vmalloc_32", AllocatorRole::AllocMapped, stack(0)},
    {"__get_free_pages", AllocatorRole::AllocOrder, stack(1)},
    {"alloc_pages", AllocatorRole::AllocPages, stack(1)},
    {"__free_pages", AllocatorRole::FreePages, stack(0)},
    {"kfree", AllocatorRole::Free, stack(0)},
    {"vfree", AllocatorRole::Free, stack(0)},
    {"free_pages", AllocatorRole::FreeOrder, stack(0)},
};

// Linux 6.1 i386, built with -mregparm=3: __kmalloc(size, flags), kmalloc_trace(cache, flags,
// size), kmalloc_large(size, flags), vmalloc(size), __get_free_pages(flags, order),
// __alloc_pages(flags, order, nid, nodemask), __free_pages(page, order), kfree(p), vfree(p),
// free_pages(addr, order). kmem_cache_alloc is left out: its size lives in the cache's struct.
const std::vector<AllocatorFunction> kLinuxRegparm3 = {
    {"__kmalloc", AllocatorRole::Alloc, kEax},
    {"kmalloc_trace", AllocatorRole::Alloc, kEcx},
    {"kmalloc_large", AllocatorRole::Alloc, kEax},
    {"vmalloc", AllocatorRole::AllocMapped, kEax},
    {"vmalloc_32", AllocatorRole::AllocMapped, kEax},
    {"__get_free_pages", AllocatorRole::AllocOrder, kEdx},
    {"__alloc_pages", AllocatorRole::AllocPages, kEdx},
    {"__free_pages", AllocatorRole::FreePages, kEax},
    {"kfree", AllocatorRole::Free, kEax},
    {"vfree", AllocatorRole::Free, kEax},
    {"free_pages", AllocatorRole::FreeOrder, kEax},
};

} // namespace

// Every allocation's frames get an owner, so that a rejected DMA can say whose memory it hit.
void KernelHooks::intercept_allocators(AllocatorAbi abi) {
    for (const AllocatorFunction &fn : abi == AllocatorAbi::LinuxRegparm3 ? kLinuxRegparm3 : kOurKernel) {
        const char *name = fn.symbol;
        ArgLocation loc = fn.arg;
        switch (fn.role) {
        case AllocatorRole::AllocMapped:
            on_call(name, [this, name, loc](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, size] = read_call(loc, esp);
                return [this, name, caller, size](uint32_t va) { allocations_.on_alloc(name, caller, va, size); };
            });
            break;
        case AllocatorRole::Alloc:
        case AllocatorRole::AllocOrder:
            // An allocator that took a page from alloc_pages and returns a direct-map address
            // in it teaches the page geometry.
            on_call(name, [this, name, loc, role = fn.role](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, size] = read_call(loc, esp);
                // An order Linux refuses gives size 0, which the tracker ignores.
                if (role == AllocatorRole::AllocOrder)
                    size = size > AllocationTracker::kMaxPageOrder ? 0 : uint32_t(0x1000) << size;
                last_page_ = 0;
                return [this, name, caller, size](uint32_t va) {
                    allocations_.on_alloc(name, caller, va, size);
                    if (page_frames_.ready() || !va || !last_page_)
                        return;
                    page_frames_.learn(last_page_, va);
                    resolve_pending_pages();
                };
            });
            break;
        case AllocatorRole::AllocPages:
            on_call(name, [this, loc](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, order] = read_call(loc, esp);
                return [this, caller, order](uint32_t page) {
                    if (page == 0)
                        return;
                    last_page_ = page;
                    if (page_frames_.ready())
                        record_pages(caller, page, order);
                    else if (pending_pages_.size() < kMaxPendingPages)
                        pending_pages_.push_back({caller, page, order});
                };
            });
            break;
        case AllocatorRole::FreePages:
            on_call(name, [this, loc](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, page] = read_call(loc, esp);
                checks_.set_current_caller(caller);
                if (auto pfn = page_frames_.pfn(page))
                    allocations_.on_free_pages(*pfn);
                else
                    std::erase_if(pending_pages_, [page](const PendingPages &p) { return p.page == page; });
                return nullptr;
            });
            break;
        case AllocatorRole::Free:
            on_call(name, [this, loc](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, va] = read_call(loc, esp);
                checks_.set_current_caller(caller);
                allocations_.on_free(va);
                return nullptr;
            });
            break;
        case AllocatorRole::FreeOrder:
            on_call(name, [this, loc](uint32_t esp) -> Engine::ReturnHandler {
                auto [caller, va] = read_call(loc, esp);
                checks_.set_current_caller(caller);
                allocations_.on_free(va);
                if (auto pa = memory_.translate(va))
                    allocations_.on_free_pages(*pa >> 12);
                return nullptr;
            });
            break;
        }
    }
}

void KernelHooks::record_pages(uint32_t caller, uint32_t page, uint32_t order) {
    if (auto pfn = page_frames_.pfn(page))
        allocations_.on_alloc_pages(caller, *pfn, order);
}

void KernelHooks::resolve_pending_pages() {
    if (!page_frames_.ready())
        return;
    for (const PendingPages &p : pending_pages_)
        record_pages(p.caller, p.page, p.order);
    pending_pages_.clear();
}

// Each read through the page tables walks them again, so where the argument is on the stack the
// return address and the words up to it are read at once. Should that read fault (the words span
// a page that is not mapped), each is read alone as before, a word that faults reading as 0.
KernelHooks::CallArgs KernelHooks::read_call(const ArgLocation &loc, uint32_t esp) const {
    constexpr unsigned kWordsAtOnce = 4;
    if (loc.kind == ArgLocation::Kind::Stack && loc.index + 2 <= kWordsAtOnce) {
        uint32_t words[kWordsAtOnce];
        if (memory_.read(esp, words, sizeof(uint32_t) * (loc.index + 2)))
            return {words[0], words[loc.index + 1]};
    }
    return {memory_.word(esp), read_arg(loc, esp)};
}

uint32_t KernelHooks::read_arg(const ArgLocation &loc, uint32_t esp) const {
    switch (loc.kind) {
    case ArgLocation::Kind::Eax: return engine_.eax();   // one register read, not all of them
    case ArgLocation::Kind::Edx: return engine_.registers().edx;
    case ArgLocation::Kind::Ecx: return engine_.registers().ecx;
    case ArgLocation::Kind::Stack: break;
    }
    return memory_.arg(esp, loc.index);
}

std::vector<PhysExtent> KernelHooks::page_extents(uint32_t page, uint32_t offset, uint32_t size) const {
    auto pfn = page_frames_.pfn(page);
    if (!pfn)
        return {};
    return {PhysExtent{(*pfn << 12) + offset, size}};
}

// One sg entry per mapping, as dma-debug keeps them; `mapped` entries from the start of the list.
void KernelHooks::for_each_sg_entry(uint32_t sg, int nents, const std::function<void(uint32_t entry)> &f) const {
    for (int i = 0; i < std::min(nents, kMaxScatterlistEntries); ++i)
        f(sg + uint32_t(i) * api_.sg.entry);
}

// What dma_get_max_seg_size and dma_get_seg_boundary answer for `dev`, with Linux's defaults
// (64 KiB, no boundary) where the device has no dma_parms; unknown without a device layout.
KernelHooks::SegmentLimits KernelHooks::segment_limits(uint32_t dev) const {
    const DeviceLayout &l = api_.device;
    if (!l.known || dev == 0)
        return {};
    SegmentLimits out{0x10000, 0xFFFFFFFFu};
    if (uint32_t parms = memory_.word(dev + l.dma_parms)) {
        if (uint32_t max = memory_.word(parms + l.max_segment_size))
            out.max_segment = max;
        if (uint32_t mask = memory_.word(parms + l.segment_boundary_mask))
            out.boundary = mask;
    }
    return out;
}

// A map by page (dma_map_page, each sg entry) names no CPU address: its first frame is compared
// with the frames of the areas instead, as Linux's check_for_stack compares pages. The areas lie
// in the kernel image or one stack, physically contiguous, so their two ends bound them.
void KernelHooks::check_area(const DmaMapRequest &r, uint32_t esp, uint32_t text) {
    std::optional<uint64_t> pa;
    if (r.va == 0) {
        if (r.extents.empty())
            return;
        pa = r.extents.front().pa;
    }
    auto inside = [&](uint32_t start, uint32_t end) {
        if (!pa)
            return r.va >= start && r.va < end;
        std::optional<uint64_t> first = memory_.translate(start), last = memory_.translate(end - 1);
        return first && last && *pa >= *first && *pa <= *last;
    };
    for (const ResolvedArea &a : areas_)
        if (inside(a.start, a.end)) {
            checks_.on_forbidden_area(r, a.check, a.what);
            return;
        }
    if (api_.thread_stack) {
        uint32_t base = esp & ~(api_.thread_stack - 1);
        if (inside(base, base + api_.thread_stack))
            checks_.on_forbidden_area(r, "map_stack", "the stack");
    }
    // A vmalloc page mapped by page is how vmalloc memory is meant to reach a device.
    if (pa)
        return;
    if (allocations_.vmalloc_area_at(r.va))
        checks_.on_forbidden_area(r, "map_vmalloc", "a vmalloc area (not physically contiguous)");
    else if (!in_direct_map(r.va, text))
        checks_.on_forbidden_area(r, "map_invalid_area", "outside the direct map (not a kmalloc or page address)");
}

// Linux's virt_addr_valid: the direct map is the kernel's linear window, whose offset the
// kernel's own code (`text`, in that window) shows; an address there translates by that offset.
bool KernelHooks::in_direct_map(uint32_t va, uint32_t text) const {
    std::optional<uint64_t> text_pa = memory_.translate(text), pa = memory_.translate(va);
    if (!text_pa || *text_pa > text)
        return true;   // no linear window seen: nothing to judge by
    uint32_t offset = text - uint32_t(*text_pa);
    return pa && va >= offset && *pa == va - offset;
}

void KernelHooks::intercept_dma_api() {
    for (const DmaApiFunction &fn : api_.functions) {
        auto sym = image_.find_symbol(fn.symbol);
        if (!sym)
            continue;
        entries_.insert(sym->address);
        auto arg = [this, args = fn.args](const char *name, uint32_t esp) -> uint32_t {
            auto it = args.find(name);
            return it == args.end() ? 0 : read_arg(it->second, esp);
        };
        const std::string api = fn.symbol;
        auto dir = [](uint32_t v) { return DmaDirection(v); };
        switch (fn.role) {
        case DmaRole::MapSingle:
        case DmaRole::MapPage:
            engine_.intercept(sym->address, [this, arg, api, dir, role = fn.role,
                                             text = sym->address](uint32_t esp) -> Engine::ReturnHandler {
                DmaMapRequest r;
                r.call = DmaCallClass::Single;
                r.api = api;
                r.caller = memory_.word(esp);
                r.size = arg("size", esp);
                r.dir = dir(arg("dir", esp));
                if (role == DmaRole::MapSingle) {
                    r.va = arg("va", esp);
                    r.extents = memory_.extents(r.va, uint32_t(r.size));
                } else {
                    r.extents = page_extents(arg("page", esp), arg("offset", esp), uint32_t(r.size));
                }
                check_area(r, esp, text);
                return [this, r](uint32_t bus) mutable {
                    r.bus = bus;
                    if (bus == kDmaMappingError) {
                        checks_.on_map_refused(r, "");
                        return;
                    }
                    // Without the struct page geometry (Linux's kallsyms has no mem_map) the
                    // frames are the bus range itself: x86 maps directly, with no IOMMU.
                    if (r.extents.empty())
                        r.extents = {PhysExtent{bus, r.size}};
                    checks_.on_map(r);
                };
            });
            break;
        case DmaRole::UnmapSingle:
        case DmaRole::UnmapPage:
        case DmaRole::FreeCoherent:
            engine_.intercept(sym->address, [this, arg, api, dir, role = fn.role](uint32_t esp) -> Engine::ReturnHandler {
                DmaUnmapRequest r;
                r.call = role == DmaRole::FreeCoherent ? DmaCallClass::Coherent : DmaCallClass::Single;
                r.api = api;
                r.caller = memory_.word(esp);
                r.bus = arg("bus", esp);
                r.size = arg("size", esp);
                r.dir = role == DmaRole::FreeCoherent ? DmaDirection::Bidirectional : dir(arg("dir", esp));
                r.va = arg("va", esp);
                checks_.set_current_caller(r.caller);
                checks_.on_unmap(r);
                if (role == DmaRole::FreeCoherent)
                    allocations_.on_free(r.va);
                return nullptr;
            });
            break;
        case DmaRole::MapSg:
            engine_.intercept(sym->address, [this, arg, api, dir, text = sym->address](uint32_t esp) -> Engine::ReturnHandler {
                uint32_t caller = memory_.word(esp), sg = arg("sg", esp), dev = arg("dev", esp);
                int nents = int(arg("nents", esp));
                DmaDirection d = dir(arg("dir", esp));
                return [this, api, caller, sg, dev, nents, d, esp, text](uint32_t mapped) {
                    if (mapped == 0)
                        return;
                    SegmentLimits limits = segment_limits(dev);
                    for_each_sg_entry(sg, int(mapped), [&](uint32_t entry) {
                        DmaMapRequest r;
                        r.call = DmaCallClass::Sg;
                        r.api = api;
                        r.caller = caller;
                        r.bus = memory_.word(entry + api_.sg.dma_address);
                        r.size = memory_.word(entry + api_.sg.dma_length);
                        r.dir = d;
                        r.sg_list = sg;
                        r.sg_nents = nents;
                        r.sg_mapped = int(mapped);
                        r.max_segment = limits.max_segment;
                        r.segment_boundary = limits.boundary;
                        uint32_t page = memory_.word(entry + api_.sg.page_link) & ~3u;
                        uint32_t offset = memory_.word(entry + api_.sg.offset);
                        if (!page_frames_.ready() && r.bus >= offset) {
                            page_frames_.learn_exact(page, (r.bus - offset) >> 12);
                            resolve_pending_pages();
                        }
                        r.extents = page_extents(page, offset, uint32_t(r.size));
                        if (r.extents.empty())
                            r.extents = {PhysExtent{r.bus, r.size}};
                        if (!r.size)
                            return;
                        check_area(r, esp, text);
                        checks_.on_map(r);
                    });
                };
            });
            break;
        case DmaRole::UnmapSg:
            engine_.intercept(sym->address, [this, arg, api, dir](uint32_t esp) -> Engine::ReturnHandler {
                DmaUnmapRequest r;
                r.call = DmaCallClass::Sg;
                r.api = api;
                r.caller = memory_.word(esp);
                r.sg_list = arg("sg", esp);
                r.sg_nents = int(arg("nents", esp));
                r.dir = dir(arg("dir", esp));
                r.bus = memory_.word(r.sg_list + api_.sg.dma_address);
                r.size = memory_.word(r.sg_list + api_.sg.dma_length);
                checks_.on_unmap(r);
                return nullptr;
            });
            break;
        case DmaRole::AllocCoherent:
            engine_.intercept(sym->address, [this, arg, api](uint32_t esp) -> Engine::ReturnHandler {
                uint32_t caller = memory_.word(esp), size = arg("size", esp), handle = arg("handle", esp);
                return [this, api, caller, size, handle](uint32_t va) {
                    if (va == 0)
                        return;
                    allocations_.on_alloc(api, caller, va, size);
                    DmaMapRequest r;
                    r.call = DmaCallClass::Coherent;
                    r.api = api;
                    r.caller = caller;
                    r.va = va;
                    r.size = size;
                    r.bus = memory_.word(handle);
                    r.extents = memory_.extents(va, size);
                    checks_.on_map(r);
                };
            });
            break;
        case DmaRole::SyncSingleForCpu:
        case DmaRole::SyncSingleForDevice:
            engine_.intercept(sym->address, [this, arg, api, dir, role = fn.role](uint32_t esp) -> Engine::ReturnHandler {
                checks_.on_sync(api, memory_.word(esp), arg("bus", esp), arg("size", esp), dir(arg("dir", esp)),
                                role == DmaRole::SyncSingleForCpu);
                return nullptr;
            });
            break;
        case DmaRole::SyncSgForCpu:
        case DmaRole::SyncSgForDevice:
            engine_.intercept(sym->address, [this, arg, api, dir, role = fn.role](uint32_t esp) -> Engine::ReturnHandler {
                uint32_t sg = arg("sg", esp);
                int nents = int(arg("nents", esp));
                std::vector<std::pair<uint64_t, uint64_t>> entries;
                for_each_sg_entry(sg, nents, [&](uint32_t entry) {
                    entries.emplace_back(memory_.word(entry + api_.sg.dma_address),
                                         memory_.word(entry + api_.sg.dma_length));
                });
                checks_.on_sync_sg(api, memory_.word(esp), sg, nents, entries, dir(arg("dir", esp)),
                                   role == DmaRole::SyncSgForCpu);
                return nullptr;
            });
            break;
        case DmaRole::MappingError:
            engine_.intercept(sym->address, [this, arg](uint32_t esp) -> Engine::ReturnHandler {
                checks_.on_mapping_error_checked(arg("bus", esp));
                return nullptr;
            });
            break;
        }
    }
}

namespace {

// Whether the code just before `ret` is a call that returns there: E8 rel32, or FF /2 with a
// register, [reg], [reg+disp8], [disp32] or [reg+disp32] operand (the forms compilers emit).
bool follows_call(const GuestMemory &memory, uint32_t ret) {
    uint8_t b[7] = {};
    if (ret < sizeof b || !memory.read(ret - sizeof b, b, sizeof b))
        return false;
    auto at = [&](unsigned back) { return b[sizeof b - back]; };
    auto call_modrm = [](uint8_t modrm) { return (modrm & 0x38) == 0x10; };
    return at(5) == 0xE8 || (at(2) == 0xFF && call_modrm(at(1)) && (at(1) & 0xC0) == 0xC0) ||
           (at(2) == 0xFF && call_modrm(at(1)) && (at(1) & 0xC0) == 0 && (at(1) & 7) != 4 && (at(1) & 7) != 5) ||
           (at(3) == 0xFF && call_modrm(at(2)) && (at(2) & 0xC0) == 0x40) ||
           (at(6) == 0xFF && call_modrm(at(5)) && ((at(5) & 0xC7) == 0x05 || (at(5) & 0xC0) == 0x80));
}

} // namespace

// The innermost function's caller when its frame is not (yet) on the EBP chain: at an
// intercepted entry or the first instruction, after `push %ebp` alone, or anywhere in a function
// built without a frame (a leaf, which GCC may leave frameless). EBP then still belongs to the
// caller, so the walk goes on from there.
std::optional<uint32_t> KernelHooks::unframed_return(const Registers &regs) const {
    constexpr uint8_t kPrologue[] = {0x55, 0x89, 0xE5};   // push %ebp; mov %esp,%ebp
    uint32_t start = regs.eip;
    if (!entries_.count(regs.eip))
        if (std::optional<Symbol> fn = image_.function_at(regs.eip))
            start = fn->address;
    if (regs.eip == start)
        return memory_.word(regs.esp);
    uint8_t head[sizeof kPrologue] = {};
    if (!memory_.read(start, head, sizeof head))
        return std::nullopt;
    if (std::equal(std::begin(head), std::end(head), std::begin(kPrologue)))
        return regs.eip == start + 1 ? std::optional<uint32_t>(memory_.word(regs.esp + 4)) : std::nullopt;
    // A frameless function may have pushed registers: the return address is the first word
    // near the top of the stack that follows a call.
    constexpr unsigned kWordsSearched = 8;
    for (unsigned i = 0; i < kWordsSearched; ++i) {
        uint32_t word = memory_.word(regs.esp + 4 * i);
        if (!image_.describe_address(word).empty() && follows_call(memory_, word))
            return word;
    }
    return std::nullopt;
}

// The guest's call stack by frame pointers: the innermost code first, then each saved return
// address; the walk stops at the first frame it cannot read or that does not lie further up.
std::vector<uint32_t> KernelHooks::backtrace() const {
    constexpr unsigned kMaxFrames = 16;
    Registers regs = engine_.registers();
    std::vector<uint32_t> frames{regs.eip};
    if (std::optional<uint32_t> ret = unframed_return(regs))
        frames.push_back(*ret);
    uint32_t ebp = regs.ebp;
    while (frames.size() < kMaxFrames && ebp != 0 && (ebp & 3) == 0) {
        uint32_t saved[2];
        if (!engine_.read_virtual(ebp, saved, sizeof saved) || saved[1] == 0)
            break;
        frames.push_back(saved[1]);
        if (saved[0] <= ebp)
            break;
        ebp = saved[0];
    }
    return frames;
}

void KernelHooks::count_dropped(std::map<std::string, uint64_t> &dropped) const {
    if (uint64_t n = image_.symbol_entries_dropped())
        dropped["symbol_entries"] += n;
    if (uint64_t n = allocations_.dropped())
        dropped["tracked_allocations"] += n;
    if (uint64_t n = allocations_.freed_frames_dropped())
        dropped["freed_frames"] += n;
    if (uint64_t n = checks_.untracked_mappings())
        dropped["dma_mappings"] += n;
}

} // namespace ia32emu
