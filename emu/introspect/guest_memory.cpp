// Translations come from the walker over the same page tables the engine uses, never from Unicorn.
#include "emu/introspect/guest_memory.h"

namespace ia32emu {

std::optional<uint64_t> GuestMemory::translate(uint32_t va) const {
    WalkResult r = walk_page_tables(ram_, guest_.paging(), va, AccessKind::Read, Privilege::Supervisor);
    if (!r.ok())
        return std::nullopt;
    return r.pa;
}

std::vector<PhysExtent> GuestMemory::extents(uint32_t va, uint32_t len) const {
    std::vector<PhysExtent> out;
    uint64_t end = uint64_t(va) + len;
    for (uint64_t v = va; v < end;) {
        uint64_t chunk = std::min<uint64_t>(end - v, 0x1000 - (v & 0xFFF));
        auto pa = translate(uint32_t(v));
        if (!pa)
            return {};
        if (!out.empty() && out.back().pa + out.back().len == *pa)
            out.back().len += chunk;
        else
            out.push_back({*pa, chunk});
        v += chunk;
    }
    return out;
}

} // namespace ia32emu
