// Allocator and DMA-API intercepts: arguments as the i386 cdecl ABI passes them.
#include "emu/introspect/kernel_hooks.h"

#include <algorithm>

namespace ia32emu {
namespace {

// A guest that never reveals its page geometry must not make the host queue without bound.
constexpr size_t kMaxPendingPages = 4096;

} // namespace

KernelHooks::KernelHooks(Engine &engine, const KernelImage &image, const GuestMemory &memory)
    : engine_(engine), image_(image), memory_(memory),
      allocations_(memory_, [this](uint32_t eip) { return image_.describe_address(eip); }),
      page_frames_(memory_, image_.find_object("mem_map")),
      dma_table_(memory_, allocations_) {
    intercept_allocators();
    intercept_dma_api();
}

// Guest functions are intercepted by symbol; a kernel without the function is simply not watched.
void KernelHooks::on_call(const char *name, Engine::EntryHandler handler) {
    if (auto sym = image_.find_symbol(name))
        engine_.intercept(sym->address, std::move(handler));
}

// Every allocation's frames get an owner, so that a rejected DMA can say whose memory it hit.
void KernelHooks::intercept_allocators() {
    auto sized = [this](const char *name, auto size_of) {
        return [this, name, size_of](uint32_t esp) -> Engine::ReturnHandler {
            uint32_t caller = memory_.word(esp), size = size_of(esp);
            return [this, name, caller, size](uint32_t va) { allocations_.on_alloc(name, caller, va, size); };
        };
    };
    auto arg0 = [this](uint32_t esp) { return memory_.arg(esp, 0); };
    // An allocator that took a page from alloc_pages and returns an address in it teaches the
    // page geometry.
    auto teaching = [this](const char *name, auto size_of) {
        return [this, name, size_of](uint32_t esp) -> Engine::ReturnHandler {
            uint32_t caller = memory_.word(esp), size = size_of(esp);
            last_page_ = 0;
            return [this, name, caller, size](uint32_t va) {
                allocations_.on_alloc(name, caller, va, size);
                if (page_frames_.ready() || !va || !last_page_)
                    return;
                page_frames_.learn(last_page_, va);
                if (page_frames_.ready()) {
                    for (const PendingPages &p : pending_pages_)
                        record_pages(p.caller, p.page, p.order);
                    pending_pages_.clear();
                }
            };
        };
    };
    on_call("kmalloc", teaching("kmalloc", arg0));
    on_call("vmalloc", sized("vmalloc", arg0));
    on_call("vmalloc_32", sized("vmalloc_32", arg0));
    on_call("__get_free_pages", teaching("__get_free_pages", [this](uint32_t esp) {
           // An order Linux refuses gives size 0, which the tracker ignores.
           uint32_t order = memory_.arg(esp, 1);
           return order > AllocationTracker::kMaxPageOrder ? 0 : uint32_t(0x1000) << order;
       }));
    on_call("alloc_pages", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t caller = memory_.word(esp), order = memory_.arg(esp, 1);
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
    on_call("__free_pages", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t page = memory_.arg(esp, 0);
        if (auto pfn = page_frames_.pfn(page))
            allocations_.on_free_pages(*pfn);
        else
            std::erase_if(pending_pages_, [page](const PendingPages &p) { return p.page == page; });
        return nullptr;
    });
    auto freeing = [this](unsigned arg) {
        return [this, arg](uint32_t esp) -> Engine::ReturnHandler {
            allocations_.on_free(memory_.arg(esp, arg));
            return nullptr;
        };
    };
    on_call("kfree", freeing(0));
    on_call("vfree", freeing(0));
    on_call("free_pages", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t va = memory_.arg(esp, 0);
        allocations_.on_free(va);
        if (auto pa = memory_.translate(va))
            allocations_.on_free_pages(*pa >> 12);
        return nullptr;
    });
}

void KernelHooks::record_pages(uint32_t caller, uint32_t page, uint32_t order) {
    if (auto pfn = page_frames_.pfn(page))
        allocations_.on_alloc_pages(caller, *pfn, order);
}

// Arguments as the i386 cdecl ABI passes them: on the stack above the return address.
void KernelHooks::intercept_dma_api() {
    on_call("dma_map_single", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t caller = memory_.word(esp), va = memory_.arg(esp, 1), size = memory_.arg(esp, 2);
        return [this, caller, va, size](uint32_t bus) { dma_table_.on_map_single(caller, va, size, bus); };
    });
    on_call("dma_unmap_single", [this](uint32_t esp) -> Engine::ReturnHandler {
        dma_table_.on_unmap_single(memory_.arg(esp, 1));
        return nullptr;
    });
    on_call("dma_map_sg", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t caller = memory_.word(esp), sg = memory_.arg(esp, 1);
        return [this, caller, sg](uint32_t mapped) { dma_table_.on_map_sg(caller, sg, int(mapped)); };
    });
    on_call("dma_unmap_sg", [this](uint32_t esp) -> Engine::ReturnHandler {
        dma_table_.on_unmap_sg(memory_.arg(esp, 1), int(memory_.arg(esp, 2)));
        return nullptr;
    });
    on_call("dma_alloc_coherent", [this](uint32_t esp) -> Engine::ReturnHandler {
        uint32_t caller = memory_.word(esp), size = memory_.arg(esp, 1),
                 handle = memory_.arg(esp, 2);
        return [this, caller, size, handle](uint32_t va) {
            uint32_t bus = memory_.word(handle);
            allocations_.on_alloc("dma_alloc_coherent", caller, va, size);
            dma_table_.on_alloc_coherent(caller, va, size, bus);
        };
    });
    on_call("dma_free_coherent", [this](uint32_t esp) -> Engine::ReturnHandler {
        allocations_.on_free(memory_.arg(esp, 2));
        dma_table_.on_free_coherent(memory_.arg(esp, 3));
        return nullptr;
    });
}

} // namespace ia32emu
