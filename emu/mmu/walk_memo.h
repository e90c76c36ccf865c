// The last page-table walk of one kind, answered again without walking while everything it read
// is unchanged: the control registers and the entries at the addresses it read. A walk is a pure
// function of those, so the answer is the walk's own. The host's reads of guest memory (call
// arguments, return addresses, code bytes) come in runs on the same few pages.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "emu/mmu/page_walker.h"

namespace ia32emu {

class WalkMemo {
public:
    // The physical address of `va` as the last walk of its page found it, if nothing it read has
    // changed since.
    std::optional<uint64_t> recall(const PhysView &mem, const PagingRegs &regs, uint32_t va) const {
        if (!valid_ || (va & ~kPageMask) != va_page_ || regs.cr0 != regs_.cr0 || regs.cr3 != regs_.cr3 ||
            regs.cr4 != regs_.cr4)
            return std::nullopt;
        for (unsigned i = 0; i < walk_.num_reads; ++i) {
            const EntryRead &r = walk_.reads[i];
            uint64_t now = 0;
            if (r.pa + r.bytes > mem.size)
                return std::nullopt;
            std::memcpy(&now, mem.ram + r.pa, r.bytes);
            if (now != r.value)
                return std::nullopt;
        }
        return (walk_.pa & ~uint64_t(kPageMask)) | (va & kPageMask);
    }
    // A walk that succeeded; a failed one is not remembered, so that it is walked (and reported) again.
    void remember(const PagingRegs &regs, uint32_t va, const WalkResult &walk) {
        valid_ = walk.ok();
        va_page_ = va & ~kPageMask;
        regs_ = regs;
        walk_ = walk;
    }

private:
    static constexpr uint32_t kPageMask = 0xFFFu;

    bool valid_ = false;
    uint32_t va_page_ = 0;
    PagingRegs regs_;
    WalkResult walk_;
};

} // namespace ia32emu
