// Linux i386's layout: the direct map starts at PAGE_OFFSET and mem_map[pfn] describes frame pfn.
#include "emu/introspect/page_frame_map.h"

namespace ia32emu {
namespace {

constexpr uint32_t kPageOffset = 0xC0000000;
// A struct page of an i386 kernel is a few words; anything outside this is a wrong guess.
constexpr uint32_t kMinEntry = 8, kMaxEntry = 256;

} // namespace

void PageFrameMap::learn(uint32_t page, uint32_t va) {
    if (entry_size_ || !mem_map_variable_ || page == 0 || va < kPageOffset)
        return;
    uint32_t base = memory_.word(*mem_map_variable_);
    uint32_t frame = (va - kPageOffset) >> 12;
    if (frame == 0 || page <= base || (page - base) % frame != 0)
        return;
    uint32_t size = (page - base) / frame;
    if (size < kMinEntry || size > kMaxEntry)
        return;
    if (size == candidate_)
        entry_size_ = size;
    candidate_ = size;
}

void PageFrameMap::learn_exact(uint32_t page, uint64_t pfn) {
    if (entry_size_ || !mem_map_variable_ || page == 0 || pfn == 0)
        return;
    uint32_t base = memory_.word(*mem_map_variable_);
    if (page <= base || (page - base) % pfn != 0)
        return;
    uint32_t size = uint32_t((page - base) / pfn);
    if (size >= kMinEntry && size <= kMaxEntry)
        entry_size_ = size;
}

std::optional<uint64_t> PageFrameMap::pfn(uint32_t page) const {
    if (!entry_size_ || !mem_map_variable_)
        return std::nullopt;
    uint32_t base = memory_.word(*mem_map_variable_);
    if (page < base || (page - base) % entry_size_ != 0)
        return std::nullopt;
    return (page - base) / entry_size_;
}

} // namespace ia32emu
