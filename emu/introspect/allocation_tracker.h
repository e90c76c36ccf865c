// The owner of every frame the guest's allocators hand out, learnt by intercepting them: which
// allocation (numbered in call order), by which function, for which caller, mapped where.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "emu/introspect/guest_memory.h"

namespace ia32emu {

struct Allocation {
    uint64_t id = 0;
    std::string function;   // kmalloc, vmalloc, __get_free_pages, ...
    uint32_t caller = 0;    // return address of the allocator call
    uint32_t va = 0;
    uint32_t size = 0;
    std::vector<PhysExtent> extents;
    bool is_vmalloc_area() const { return function == "vmalloc" || function == "vmalloc_32"; }
};

class AllocationTracker {
public:
    using Symbolizer = std::function<std::string(uint32_t)>;
    AllocationTracker(const GuestMemory &memory, Symbolizer symbolize)
        : memory_(memory), symbolize_(std::move(symbolize)) {}

    void on_alloc(const std::string &function, uint32_t caller, uint32_t va, uint32_t size);
    void on_free(uint32_t va);

    // The live vmalloc allocation whose area holds `va`, or null.
    const Allocation *vmalloc_area_at(uint32_t va) const;
    // One line: "free", or the allocations that own the frame, each with function, caller and VA.
    std::string describe_frame(uint64_t pfn) const;
    std::string describe(const Allocation &a) const;

private:
    const GuestMemory &memory_;
    Symbolizer symbolize_;
    uint64_t next_id_ = 1;
    std::map<uint32_t, Allocation> live_;                         // by start VA
    std::unordered_map<uint64_t, std::vector<uint32_t>> owners_;  // pfn -> start VAs of live allocations
    std::unordered_map<uint64_t, Allocation> last_freed_;         // pfn -> the last allocation freed there
};

} // namespace ia32emu
